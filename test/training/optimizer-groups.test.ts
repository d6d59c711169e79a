import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupedAdam } from '../../training/optimizer-groups.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let made = 0;
function problem(seed: number) {
  // Unique names: Adam keys its moments by variable name.
  const a = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', seed), true, `a${seed}_${made}`);
  const b = tf.variable(tf.randomNormal([3], 0, 1, 'float32', seed + 1), true, `b${seed}_${made++}`);
  const x = tf.randomNormal([8, 4], 0, 1, 'float32', seed + 2);
  const loss = () => tf.tidy(() => tf.sum(tf.square(tf.add(tf.matMul(x, a), b))) as tf.Scalar);
  return { a, b, loss };
}

describe('GroupedAdam', () => {
  it('is exactly tf.train.adam with one group', () => {
    const p = problem(1);
    const q = problem(1);
    const grouped = new GroupedAdam([{ lrScale: 1, variables: [p.a, p.b] }], 0.01);
    const plain = tf.train.adam(0.01);
    for (let i = 0; i < 3; i++) {
      grouped.step(p.loss)?.dispose();
      plain.minimize(q.loss, false, [q.a, q.b]);
    }
    expect(p.a.dataSync()).toEqual(q.a.dataSync());
    expect(p.b.dataSync()).toEqual(q.b.dataSync());
  });

  it('moves a slow group at its fraction of the rate', () => {
    const p = problem(2);
    const a0 = p.a.dataSync().slice();
    const b0 = p.b.dataSync().slice();
    const opt = new GroupedAdam([{ lrScale: 1, variables: [p.a] }, { lrScale: 0.1, variables: [p.b] }], 0.01);
    opt.step(p.loss)?.dispose();
    // Adam's first step is lr · sign(gradient) up to ε: 0.01 for the head, 0.001 for the slow group.
    for (let i = 0; i < a0.length; i++) expect(Math.abs(p.a.dataSync()[i] - a0[i])).toBeCloseTo(0.01, 5);
    for (let i = 0; i < b0.length; i++) expect(Math.abs(p.b.dataSync()[i] - b0[i])).toBeCloseTo(0.001, 5);
    opt.learningRate = 0.002;
    expect(opt.learningRate).toBeCloseTo(0.002, 10);
  });

  it('restores its moments so that a resumed run continues exactly', async () => {
    const run = async (interruptAfter: number | null) => {
      const p = problem(3);
      let opt = new GroupedAdam([{ lrScale: 1, variables: [p.a] }, { lrScale: 0.3, variables: [p.b] }], 0.02);
      for (let i = 0; i < 4; i++) {
        if (i === interruptAfter) {
          const saved = (await opt.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
          const { accBeta1, accBeta2 } = await opt.biasCorrection();
          opt.dispose();
          opt = new GroupedAdam([{ lrScale: 1, variables: [p.a] }, { lrScale: 0.3, variables: [p.b] }], 0.02);
          await opt.setWeights(saved);
          opt.restoreBiasCorrection(accBeta1, accBeta2);
        }
        opt.step(p.loss)?.dispose();
      }
      return [Array.from(p.a.dataSync()), Array.from(p.b.dataSync())];
    };
    expect(await run(2)).toEqual(await run(null));
  });
});
