import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { conv2DBackpropFilterConfig } from '../../src/compute/wasm-kernels/index.js';
import { Rng } from '../../src/util/random.js';
import { normals, size } from './random-values.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { name: '1×1 channels, valid', x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], pad: 'valid' },
  { name: 'batch 2, non-square filter, same', x: [2, 6, 7, 3], filter: [3, 2, 3, 4], strides: [1, 1], pad: 'same' },
  { name: 'stride 2, same, odd sizes', x: [2, 7, 6, 2], filter: [2, 3, 2, 3], strides: [2, 2], pad: 'same' },
  { name: 'stride 2, valid, batch 3', x: [3, 8, 8, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: 'valid' },
  { name: 'stride [2,1], same', x: [2, 5, 6, 3], filter: [3, 3, 3, 2], strides: [2, 1], pad: 'same' },
  {
    name: 'explicit asymmetric pads, stride [1,2]',
    x: [2, 5, 6, 2],
    filter: [2, 3, 2, 3],
    strides: [1, 2],
    pad: [[0, 0], [1, 2], [0, 1], [0, 0]],
  },
];

function inputsFor(c: Case, seed: number) {
  const rng = new Rng(seed);
  const x = normals(rng, size(c.x));
  const w = normals(rng, size(c.filter));
  const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
  const dy = normals(rng, size(outShape));
  return { x, w, dy, outShape };
}

/** dW through the public gradient path: d/dW Σ conv2d(x, W) ⊙ dy = Conv2DBackpropFilter(x, dy). */
function filterGradient(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, outShape: number[]): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const dyt = tf.tensor(dy, outShape);
    const g = tf.grad((wt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt, wt as tf.Tensor4D, c.strides, c.pad), dyt)));
    return g(tf.tensor4d(w, c.filter)).dataSync() as Float32Array;
  });
}

function runKernel(c: Case, x: Float32Array, dy: Float32Array, outShape: number[], extraAttrs: object = {}): Float32Array {
  return tf.tidy(() => {
    const out = tf.engine().runKernel(
      tf.Conv2DBackpropFilter,
      { x: tf.tensor4d(x, c.x), dy: tf.tensor(dy, outShape) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, ...extraAttrs },
    ) as tf.Tensor;
    expect(out.shape).toEqual(c.filter);
    return out.dataSync() as Float32Array;
  });
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

beforeAll(async () => {
  await initBackend('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('Conv2DBackpropFilter on wasm', () => {
  it('is registered for the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  });

  for (const [i, c] of CASES.entries()) {
    it(`matches central differences: ${c.name}`, () => {
      const { x, w, dy, outShape } = inputsFor(c, 100 + i);
      const analytic = filterGradient(c, x, w, dy, outShape);
      const eps = 1e-2;
      const loss = (wv: Float32Array): number =>
        tf.tidy(() =>
          tf.sum(tf.mul(tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(wv, c.filter), c.strides, c.pad), tf.tensor(dy, outShape))).dataSync()[0],
        );
      const numeric = new Float32Array(w.length);
      for (let j = 0; j < w.length; j++) {
        const plus = w.slice();
        const minus = w.slice();
        plus[j] += eps;
        minus[j] -= eps;
        numeric[j] = (loss(plus) - loss(minus)) / (2 * eps);
      }
      const scale = maxAbs(numeric);
      expect(scale).toBeGreaterThan(0.1);
      for (let j = 0; j < w.length; j++) {
        expect(Math.abs(analytic[j] - numeric[j])).toBeLessThanOrEqual(1e-2 * Math.max(Math.abs(numeric[j]), 0.1 * scale));
      }
    });

    it(`matches the cpu backend: ${c.name}`, async () => {
      const { x, w, dy, outShape } = inputsFor(c, 200 + i);
      const onWasm = filterGradient(c, x, w, dy, outShape);
      const direct = runKernel(c, x, dy, outShape);
      await tf.setBackend('cpu');
      const onCpu = filterGradient(c, x, w, dy, outShape);
      await tf.setBackend('wasm');
      for (let j = 0; j < onCpu.length; j++) {
        expect(Math.abs(onWasm[j] - onCpu[j])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(onCpu[j])));
        expect(Math.abs(direct[j] - onCpu[j])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(onCpu[j])));
      }
    });
  }

  it('gives the same result when the patch matrix is built a few images at a time', () => {
    const c = CASES[3];
    const { x, dy, outShape } = inputsFor(c, 300);
    const whole = runKernel(c, x, dy, outShape);
    // A budget below one image's patches forces one chunk per image, with partial sums added.
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    tf.registerKernel(conv2DBackpropFilterConfig(1));
    try {
      const chunked = runKernel(c, x, dy, outShape);
      for (let j = 0; j < whole.length; j++) expect(chunked[j]).toBeCloseTo(whole[j], 4);
    } finally {
      tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
      tf.registerKernel(conv2DBackpropFilterConfig());
    }
  });

  it('rejects dilations other than 1 with a clear error', () => {
    const c = CASES[1];
    const { x, dy, outShape } = inputsFor(c, 400);
    expect(() => runKernel(c, x, dy, outShape, { dilations: 2 })).toThrow(/dilations .* not supported/);
  });

  it('leaks neither tensors nor wasm buffers', () => {
    const c = CASES[2];
    const { x, w, dy, outShape } = inputsFor(c, 500);
    const backend = tf.backend();
    filterGradient(c, x, w, dy, outShape);
    runKernel(c, x, dy, outShape);
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let k = 0; k < 3; k++) {
      filterGradient(c, x, w, dy, outShape);
      runKernel(c, x, dy, outShape);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
  });
});
