/**
 * tf.train.adam's update with the same kernels in the same order — so the same weights to the
 * bit — but each full-size intermediate freed as soon as the next one is computed. tfjs's own
 * update holds a dozen weight-sized temporaries per variable until its tidy ends: for a head of
 * 72 M weights (InceptionV3's 35,080-value rows into 2,048 dimensions) that is 4 GB on top of
 * the weights and moments, beyond what the wasm heap can address. Here at most four are alive.
 */
import * as tf from '@tensorflow/tfjs';

/** The optimizer's state fields tfjs keeps protected. */
interface AdamState {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const s = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const oneMinusAccBeta1 = tf.sub(1, s.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, s.accBeta2);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const m = s.accumulatedFirstMoment[i]!.variable;
      const v = s.accumulatedSecondMoment[i]!.variable;
      const newM = tf.tidy(() => tf.add(tf.mul(m, s.beta1), tf.mul(gradient, 1 - s.beta1)));
      const mHat = tf.div(newM, oneMinusAccBeta1);
      m.assign(newM);
      newM.dispose();
      const newV = tf.tidy(() => tf.add(tf.mul(v, s.beta2), tf.tidy(() => tf.mul(tf.square(gradient), 1 - s.beta2))));
      const vHat = tf.div(newV, oneMinusAccBeta2);
      v.assign(newV);
      newV.dispose();
      const denominator = tf.tidy(() => tf.add(tf.sqrt(vHat), s.epsilon));
      vHat.dispose();
      const ratio = tf.div(mHat, denominator);
      tf.dispose([mHat, denominator]);
      const newValue = tf.tidy(() => tf.add(tf.mul(ratio, -s.learningRate), value));
      ratio.dispose();
      value.assign(newValue);
      newValue.dispose();
    });
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    s.incrementIterations();
  }
}

/** tf.train.adam(lr) with the lean update. */
export function leanAdam(lr: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(lr, 0.9, 0.999);
}
