/**
 * Adam over groups of weights that learn at different rates — a freshly initialised head at the
 * schedule's rate, pretrained backbone layers being fine-tuned at a fraction of it — as one
 * optimizer to the training loop: one step, one learning-rate schedule, one set of moments to
 * checkpoint and restore. With a single group it is exactly one tf.train.adam (its update with
 * fewer temporaries alive at once: see lean-adam.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../src/encoders/model-files.js';
import { leanAdam } from './lean-adam.js';

/** Adam's bias-correction terms and learning rate are private in the typings but must be saved and set. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  learningRate: number;
  iterations_: number;
}

export interface WeightGroup {
  /** Multiplies the schedule's learning rate (1 for the head). */
  lrScale: number;
  variables: tf.Variable[];
}

export class GroupedAdam {
  private readonly optimizers: tf.AdamOptimizer[];
  private readonly all: tf.Variable[];

  constructor(
    private readonly groups: WeightGroup[],
    lr: number,
  ) {
    this.optimizers = groups.map((g) => leanAdam(lr * g.lrScale));
    this.all = groups.flatMap((g) => g.variables);
  }

  private internals(i: number): AdamInternals {
    return this.optimizers[i] as unknown as AdamInternals;
  }

  set learningRate(lr: number) {
    this.groups.forEach((g, i) => (this.internals(i).learningRate = lr * g.lrScale));
  }

  /** The schedule's rate (the first group's, unscaled). */
  get learningRate(): number {
    return this.internals(0).learningRate / this.groups[0].lrScale;
  }

  get iterations(): number {
    return this.internals(0).iterations_;
  }

  /** One step on `loss`; returns the loss value's tensor (the caller disposes it). */
  step(loss: () => tf.Scalar): tf.Scalar | null {
    if (this.optimizers.length === 1) return this.optimizers[0].minimize(loss, true, this.all);
    const { value, grads } = tf.variableGrads(loss, this.all);
    this.groups.forEach((g, i) => {
      const mine: Record<string, tf.Tensor> = {};
      for (const v of g.variables) mine[v.name] = grads[v.name];
      this.optimizers[i].applyGradients(mine as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    });
    tf.dispose(Object.values(grads));
    return value;
  }

  async biasCorrection(): Promise<{ accBeta1: number; accBeta2: number }> {
    return { accBeta1: (await this.internals(0).accBeta1.data())[0], accBeta2: (await this.internals(0).accBeta2.data())[0] };
  }

  restoreBiasCorrection(accBeta1: number, accBeta2: number): void {
    this.optimizers.forEach((_, i) => {
      this.internals(i).accBeta1.assign(tf.scalar(accBeta1));
      this.internals(i).accBeta2.assign(tf.scalar(accBeta2));
    });
  }

  /** Every group's moments, in group order, names prefixed by the group (a single group keeps Adam's own names). */
  async getWeights(): Promise<NamedTensor[]> {
    if (this.optimizers.length === 1) return this.optimizers[0].getWeights();
    const parts = await Promise.all(this.optimizers.map((o) => o.getWeights()));
    return parts.flatMap((ws, i) => ws.map((w) => ({ name: `group${i}/${w.name}`, tensor: w.tensor })));
  }

  async setWeights(weights: NamedTensor[]): Promise<void> {
    if (this.optimizers.length === 1) return this.optimizers[0].setWeights(weights);
    await Promise.all(
      this.optimizers.map((o, i) => {
        const prefix = `group${i}/`;
        return o.setWeights(weights.filter((w) => w.name.startsWith(prefix)).map((w) => ({ name: w.name.slice(prefix.length), tensor: w.tensor })));
      }),
    );
  }

  dispose(): void {
    this.optimizers.forEach((o) => o.dispose());
  }
}
