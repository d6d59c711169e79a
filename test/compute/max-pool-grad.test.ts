import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { stockWasmKernels } from '../../src/compute/wasm-kernels/index.js';
import { Rng } from '../../src/util/random.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** Quantise inputs so windows contain ties, as after a ReLU. */
  ties: boolean;
}

const CASES: Case[] = [
  { name: '2×2 stride 2 valid', x: [2, 6, 6, 3], pool: [2, 2], strides: [2, 2], pad: 'valid', ties: false },
  { name: '3×3 stride 2 same (overlapping windows)', x: [2, 7, 8, 4], pool: [3, 3], strides: [2, 2], pad: 'same', ties: false },
  { name: '2×3 stride [1,2] same, odd sizes', x: [1, 5, 7, 2], pool: [2, 3], strides: [1, 2], pad: 'same', ties: false },
  { name: 'ties inside windows (ReLU-like input)', x: [2, 6, 6, 5], pool: [2, 2], strides: [2, 2], pad: 'valid', ties: true },
  { name: 'ties with overlapping windows', x: [2, 7, 7, 3], pool: [3, 3], strides: [2, 2], pad: 'same', ties: true },
];

function values(c: Case, seed: number): { x: Float32Array; dy: Float32Array; outShape: number[] } {
  const rng = new Rng(seed);
  const n = c.x.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n).map(() => {
    const v = rng.uniform(-1, 1);
    return c.ties ? Math.max(0, Math.round(v * 2) / 2) : v;
  });
  const outShape = tf.tidy(() => tf.maxPool(tf.zeros(c.x) as tf.Tensor4D, c.pool, c.strides, c.pad).shape);
  const dy = new Float32Array(outShape.reduce((a, b) => a * b, 1)).map(() => rng.uniform(-1, 1));
  return { x, dy, outShape };
}

function poolGradient(c: Case, v: ReturnType<typeof values>): Float32Array {
  return tf.tidy(() => {
    const dyt = tf.tensor(v.dy, v.outShape);
    const g = tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xt as tf.Tensor4D, c.pool, c.strides, c.pad), dyt)));
    return g(tf.tensor4d(v.x, c.x)).dataSync() as Float32Array;
  });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('MaxPoolGrad on wasm', () => {
  it('wraps the stock kernel', () => {
    expect(stockWasmKernels[tf.MaxPoolGrad]).toBeDefined();
    expect(tf.getKernel(tf.MaxPoolGrad, 'wasm')).not.toBe(stockWasmKernels[tf.MaxPoolGrad]);
  });

  for (const [i, c] of CASES.entries()) {
    it(`routes dy exactly like the cpu backend: ${c.name}`, async () => {
      const v = values(c, 70 + i);
      const onWasm = poolGradient(c, v);
      await tf.setBackend('cpu');
      const onCpu = poolGradient(c, v);
      await tf.setBackend('wasm');
      expect(onCpu.some((g) => g !== 0)).toBe(true);
      for (let j = 0; j < onCpu.length; j++) expect(onWasm[j]).toBeCloseTo(onCpu[j], 5);
    });
  }

  it('leaks neither tensors nor wasm buffers', () => {
    const c = CASES[1];
    const v = values(c, 5);
    poolGradient(c, v);
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (let k = 0; k < 3; k++) poolGradient(c, v);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
