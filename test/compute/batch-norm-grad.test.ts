import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { fusedBatchNormGradConfig, stockGradients } from '../../src/compute/wasm-kernels/index.js';
import { Rng } from '../../src/util/random.js';
import { normals, size } from './random-values.js';

const EPS = 1e-3;

interface Chain {
  xShape: number[];
  axes: number[];
  x: Float32Array;
  scale: Float32Array;
  offset: Float32Array;
  /** Random projection so the loss is not invariant to the normalisation. */
  w: Float32Array;
}

function chain(xShape: number[], seed: number): Chain {
  const rng = new Rng(seed);
  const c = xShape[xShape.length - 1];
  return {
    xShape,
    axes: xShape.slice(0, -1).map((_, i) => i),
    // A non-zero mean makes the centring terms of the gradient matter.
    x: normals(rng, size(xShape), 0.5, 1),
    scale: normals(rng, c, 1, 0.3),
    offset: normals(rng, c),
    w: normals(rng, size(xShape)),
  };
}

/** Σ w ⊙ batchNorm(x, moments(x), offset, scale): what tfjs-layers' BatchNormalization computes in training. */
function lossOf(c: Chain, x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Scalar {
  const m = tf.moments(x, c.axes);
  return tf.sum(tf.mul(tf.batchNorm(x, m.mean, m.variance, offset, scale, EPS), tf.tensor(c.w, c.xShape)));
}

function chainGrads(c: Chain): Float32Array[] {
  return tf.tidy(() => {
    const g = tf.grads((x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => lossOf(c, x, scale, offset));
    return g([tf.tensor(c.x, c.xShape), tf.tensor1d(c.scale), tf.tensor1d(c.offset)]).map((t) => t.dataSync() as Float32Array);
  });
}

function numericGrad(f: (v: Float32Array) => number, v: Float32Array, eps = 1e-2): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const plus = v.slice();
    const minus = v.slice();
    plus[i] += eps;
    minus[i] -= eps;
    out[i] = (f(plus) - f(minus)) / (2 * eps);
  }
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(1e-3);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(rtol * Math.max(Math.abs(expected[i]), 0.1 * scale));
  }
}

async function withStockGradientOnCpu<T>(f: () => T): Promise<T> {
  const stock = stockGradients[tf.FusedBatchNorm];
  if (!stock) throw new Error('stock FusedBatchNorm gradient was not captured');
  await tf.setBackend('cpu');
  tf.registerGradient(stock);
  try {
    return f();
  } finally {
    tf.registerGradient(fusedBatchNormGradConfig);
    await tf.setBackend('wasm');
  }
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('FusedBatchNorm gradient', () => {
  it('replaces the stock gradient once the wasm kernels are registered', () => {
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fusedBatchNormGradConfig);
    expect(stockGradients[tf.FusedBatchNorm]).toBeDefined();
    expect(stockGradients[tf.FusedBatchNorm]).not.toBe(fusedBatchNormGradConfig);
  });

  for (const shape of [
    [2, 3, 3, 4],
    [3, 2, 4, 2],
    [6, 5],
  ]) {
    it(`matches central differences through moments → batchNorm for x ${JSON.stringify(shape)}`, () => {
      const c = chain(shape, shape.reduce((a, b) => a * 31 + b, 7));
      const [dx, dScale, dOffset] = chainGrads(c);
      const scalarLoss = (x: Float32Array, scale: Float32Array, offset: Float32Array): number =>
        tf.tidy(() => lossOf(c, tf.tensor(x, c.xShape), tf.tensor1d(scale), tf.tensor1d(offset)).dataSync()[0]);
      expectClose(dx, numericGrad((v) => scalarLoss(v, c.scale, c.offset), c.x), 1e-2);
      expectClose(dScale, numericGrad((v) => scalarLoss(c.x, v, c.offset), c.scale), 1e-2);
      expectClose(dOffset, numericGrad((v) => scalarLoss(c.x, c.scale, v), c.offset), 1e-2);
    });
  }

  it('matches the stock gradient on the cpu backend for the moments → batchNorm chain', async () => {
    const c = chain([4, 5, 5, 6], 11);
    const ours = chainGrads(c);
    const stock = await withStockGradientOnCpu(() => chainGrads(c));
    for (let i = 0; i < ours.length; i++) expectClose(ours[i], stock[i], 1e-4);
  });

  it('matches the stock gradient for every input when mean and variance are independent inputs', async () => {
    const rng = new Rng(5);
    const xShape = [2, 4, 3, 5];
    const x = normals(rng, size(xShape));
    const mean = normals(rng, 5, 0, 0.5);
    const variance = normals(rng, 5, 1.5, 0.2);
    const scale = normals(rng, 5, 1, 0.3);
    const offset = normals(rng, 5);
    const w = normals(rng, size(xShape));
    const grads = (): Float32Array[] =>
      tf.tidy(() => {
        const g = tf.grads((xt: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
          tf.sum(tf.mul(tf.batchNorm(xt, m, v, o, s, EPS), tf.tensor(w, xShape))),
        );
        const args = [tf.tensor(x, xShape), tf.tensor1d(mean), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale)];
        return g(args).map((t) => t.dataSync() as Float32Array);
      });
    const ours = grads();
    const stock = await withStockGradientOnCpu(grads);
    expect(ours).toHaveLength(5);
    for (let i = 0; i < ours.length; i++) expectClose(ours[i], stock[i], 1e-4);
  });

  it('handles statistics broadcast from [1, 1, 1, C], which the stock gradient cannot reduce', () => {
    const rng = new Rng(9);
    const xShape = [2, 3, 2, 3];
    const pShape = [1, 1, 1, 3];
    const x = normals(rng, size(xShape));
    const mean = normals(rng, 3, 0, 0.5);
    const variance = normals(rng, 3, 1.5, 0.2);
    const scale = normals(rng, 3, 1, 0.3);
    const w = normals(rng, size(xShape));
    const loss = (xv: Float32Array, m: Float32Array, v: Float32Array, s: Float32Array): tf.Scalar =>
      tf.sum(tf.mul(tf.batchNorm(tf.tensor(xv, xShape), tf.tensor(m, pShape), tf.tensor(v, pShape), tf.zeros(pShape), tf.tensor(s, pShape), EPS), tf.tensor(w, xShape)));
    const analytic = tf.tidy(() =>
      tf
        .grads((xt: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor) =>
          tf.sum(tf.mul(tf.batchNorm(xt, m, v, tf.zeros(pShape), s, EPS), tf.tensor(w, xShape))),
        )([tf.tensor(x, xShape), tf.tensor(mean, pShape), tf.tensor(variance, pShape), tf.tensor(scale, pShape)])
        .map((t) => {
          expect(t.shape.length).toBeGreaterThan(0);
          return t.dataSync() as Float32Array;
        }),
    );
    const f = (i: number) => (v: Float32Array) =>
      tf.tidy(() => {
        const args: [Float32Array, Float32Array, Float32Array, Float32Array] = [x, mean, variance, scale];
        args[i] = v;
        return loss(...args).dataSync()[0];
      });
    [x, mean, variance, scale].forEach((v, i) => expectClose(analytic[i], numericGrad(f(i), v), 1e-2));
  });

  it('leaks no tensors', () => {
    const c = chain([2, 3, 3, 4], 3);
    chainGrads(c);
    const before = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) chainGrads(c);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
