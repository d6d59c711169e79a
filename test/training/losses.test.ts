import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchAllTripletLoss,
  batchHardTripletLoss,
  contrastiveLoss,
  pairwiseDistances,
  tripletLoss,
} from '../../training/losses.js';
import { multiStepLr } from '../../training/lr-schedule.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('tripletLoss', () => {
  it('matches max(0, d(a,p) − d(a,n) + margin) by hand', () => {
    // Triplet 1: d(a,p)=1, d(a,n)=4 → max(0, 1−4+2)=0. Triplet 2: d(a,p)=3, d(a,n)=1 → 3−1+2=4.
    const a = tf.tensor2d([[0, 0], [0, 0]]);
    const p = tf.tensor2d([[1, 0], [0, 3]]);
    const n = tf.tensor2d([[0, 4], [1, 0]]);
    expect(value(tripletLoss(a, p, n, 2))).toBeCloseTo(2, 5);
    // With margin 4 the first triplet is active too: (1−4+4=1, 3−1+4=6) → 3.5.
    expect(value(tripletLoss(a, p, n, 4))).toBeCloseTo(3.5, 5);
  });
  it('has finite gradients even for identical embeddings', () => {
    const g = tf.grad((x: tf.Tensor) => tripletLoss(x as tf.Tensor2D, x as tf.Tensor2D, tf.zeros([1, 2]) as tf.Tensor2D, 2));
    const grad = g(tf.tensor2d([[0, 0]])).dataSync();
    for (const v of grad) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('contrastiveLoss', () => {
  it('pulls same pairs (label 0) by D² and pushes different pairs (label 1) below the margin', () => {
    const a = tf.tensor2d([[0, 0], [0, 0], [0, 0]]);
    const b = tf.tensor2d([[3, 4], [1, 0], [0, 5]]);
    const y = tf.tensor1d([0, 1, 1]);
    // D = 5, 1, 5: same → 25; different at 1 with margin 2 → (2−1)²=1; different at 5 → 0. Mean 26/3.
    expect(value(contrastiveLoss(a, b, y, 2))).toBeCloseTo(26 / 3, 4);
  });
});

describe('batch mining losses', () => {
  // Four 1-d embeddings: artist 0 at 0 and 1, artist 1 at 1.5 and 5.
  const emb = () => tf.tensor2d([[0], [1], [1.5], [5]]);
  const labels = Int32Array.from([0, 0, 1, 1]);

  it('pairwise distances are exact', () => {
    const d = pairwiseDistances(emb()).arraySync();
    expect(d[0][3]).toBeCloseTo(5, 4);
    expect(d[1][2]).toBeCloseTo(0.5, 4);
    expect(d[2][2]).toBeCloseTo(0, 4);
  });

  it('batch-hard takes the farthest positive and nearest negative per anchor', () => {
    // anchor 0: hp 1, hn 1.5 → 1−1.5+1 = 0.5; anchor 1: hp 1, hn 0.5 → 1.5;
    // anchor 2: hp 3.5, hn 0.5 → 4; anchor 3: hp 3.5, hn 4 → 0.5. Mean 6.5/4.
    expect(value(batchHardTripletLoss(emb(), labels, 1))).toBeCloseTo(6.5 / 4, 4);
  });

  it('batch-all averages over the active triplets only', () => {
    // All 8 triplets (a,p,n) with margin 1:
    // a0,p1: n2 1−1.5+1=.5, n3 1−5+1<0 → 0; a1,p0: n2 1−.5+1=1.5, n3 1−4+1 → 0;
    // a2,p3: n0 3.5−1.5+1=3, n1 3.5−.5+1=4; a3,p2: n0 3.5−5+1<0 → 0, n1 3.5−4+1=.5.
    // Active: .5, 1.5, 3, 4, .5 → 9.5 / 5.
    expect(value(batchAllTripletLoss(emb(), labels, 1))).toBeCloseTo(9.5 / 5, 4);
  });
});

describe('multiStepLr', () => {
  it('decays by gamma at each milestone, as the reference schedule does', () => {
    const lr = (e: number) => multiStepLr(1e-3, e, [11, 25, 40], 0.1);
    expect(lr(0)).toBeCloseTo(1e-3, 12);
    expect(lr(10)).toBeCloseTo(1e-3, 12);
    expect(lr(11)).toBeCloseTo(1e-4, 12);
    expect(lr(25)).toBeCloseTo(1e-5, 12);
    expect(lr(59)).toBeCloseTo(1e-6, 12);
  });
});
