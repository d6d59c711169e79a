import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { leanAdam } from '../../training/lean-adam.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let made = 0;
function problem(shape: [number, number]) {
  const w = tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 7), true, `w${made++}`);
  const x = tf.randomNormal([4, shape[0]], 0, 1, 'float32', 8);
  const loss = () => tf.tidy(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar);
  return { w, loss };
}

describe('the lean Adam update', () => {
  it('gives tf.train.adam’s weights and moments to the bit, and leaks no tensor', () => {
    const p = problem([6, 5]);
    const q = problem([6, 5]);
    const lean = leanAdam(0.01);
    const plain = tf.train.adam(0.01);
    lean.minimize(p.loss, false, [p.w]);
    plain.minimize(q.loss, false, [q.w]);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      lean.minimize(p.loss, false, [p.w]);
      plain.minimize(q.loss, false, [q.w]);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(p.w.dataSync()).toEqual(q.w.dataSync());
    expect(lean.iterations).toBe(5);
  });

  it('holds far fewer weight-sized temporaries at once', async () => {
    const shape: [number, number] = [512, 512];
    const bytes = 512 * 512 * 4;
    const peakOf = async (opt: tf.Optimizer) => {
      const p = problem(shape);
      opt.minimize(p.loss, false, [p.w]); // moments created
      const { grads } = tf.variableGrads(p.loss, [p.w]);
      const before = tf.memory().numBytes;
      const profile = await tf.profile(() => opt.applyGradients(grads));
      tf.dispose(Object.values(grads));
      return profile.peakBytes - before;
    };
    const lean = await peakOf(leanAdam(0.01));
    const plain = await peakOf(tf.train.adam(0.01));
    console.log(`extra bytes at the peak of one update: lean ${(lean / bytes).toFixed(1)}×, tf.train.adam ${(plain / bytes).toFixed(1)}× the weights`);
    expect(lean).toBeLessThan(4.5 * bytes);
    expect(plain).toBeGreaterThan(2 * lean);
  });
});
