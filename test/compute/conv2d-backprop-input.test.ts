import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { stockWasmKernels } from '../../src/compute/wasm-kernels/index.js';
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
  { name: '3×3 same, stride 1', x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { name: 'non-square valid, stride 1', x: [2, 7, 5, 2], filter: [3, 2, 2, 3], strides: [1, 1], pad: 'valid' },
  { name: 'stride 2 same, odd sizes', x: [2, 7, 9, 3], filter: [3, 3, 3, 2], strides: [2, 2], pad: 'same' },
  { name: 'stride 2 valid with remainder rows', x: [3, 8, 7, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: 'valid' },
  { name: 'stride [1,2] explicit asymmetric pads', x: [2, 5, 6, 2], filter: [2, 3, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  // Padding wider than the filter has no forward-convolution equivalent: exercises the fallback.
  { name: 'padding wider than the filter (fallback)', x: [1, 4, 4, 2], filter: [2, 2, 2, 2], strides: [1, 1], pad: [[0, 0], [3, 3], [2, 2], [0, 0]] },
];

function setup(c: Case, seed: number) {
  const rng = new Rng(seed);
  const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
  return { x: normals(rng, size(c.x)), w: normals(rng, size(c.filter)), dy: normals(rng, size(outShape)), outShape };
}

/** dx through the public gradient path: d/dx Σ conv2d(x, W) ⊙ dy = Conv2DBackpropInput(dy, W). */
function inputGradient(c: Case, s: ReturnType<typeof setup>): Float32Array {
  return tf.tidy(() => {
    const wt = tf.tensor4d(s.w, c.filter);
    const dyt = tf.tensor(s.dy, s.outShape);
    const g = tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, wt, c.strides, c.pad), dyt)));
    return g(tf.tensor4d(s.x, c.x)).dataSync() as Float32Array;
  });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Conv2DBackpropInput on wasm', () => {
  it('wraps the stock kernel, which stays available as the fallback', () => {
    const current = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
    expect(current).toBeDefined();
    expect(stockWasmKernels[tf.Conv2DBackpropInput]).toBeDefined();
    expect(current).not.toBe(stockWasmKernels[tf.Conv2DBackpropInput]);
  });

  for (const [i, c] of CASES.entries()) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const s = setup(c, 40 + i);
      const onWasm = inputGradient(c, s);
      await tf.setBackend('cpu');
      const onCpu = inputGradient(c, s);
      await tf.setBackend('wasm');
      const scale = onCpu.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0.1);
      for (let j = 0; j < onCpu.length; j++) {
        expect(Math.abs(onWasm[j] - onCpu[j])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(onCpu[j])));
      }
    });
  }

  it('leaks neither tensors nor wasm buffers (strided path)', () => {
    const c = CASES[2];
    const s = setup(c, 99);
    inputGradient(c, s);
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (let k = 0; k < 3; k++) inputGradient(c, s);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
