import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { stockWasmKernels } from '../../src/compute/wasm-kernels/index.js';
import { Rng } from '../../src/util/random.js';

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const CASES: Case[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  // A·Bᵀ with a large B: computed as (B·Aᵀ)ᵀ.
  { a: [2, 6], b: [40, 6], transposeA: false, transposeB: true },
  // A·Bᵀ with a small B: computed as A·(Bᵀ).
  { a: [40, 6], b: [3, 6], transposeA: false, transposeB: true },
  { a: [6, 4], b: [5, 6], transposeA: true, transposeB: true },
  // Batched, with the batch dimension broadcast from a rank-2 operand.
  { a: [3, 6, 4], b: [6, 5], transposeA: true, transposeB: false },
  { a: [3, 4, 6], b: [3, 5, 6], transposeA: false, transposeB: true },
  { a: [2, 2, 6], b: [2, 30, 6], transposeA: false, transposeB: true },
  { a: [2, 6, 4], b: [5, 6], transposeA: true, transposeB: true },
];

function product(c: Case, av: Float32Array, bv: Float32Array): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.transposeA, c.transposeB);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('BatchMatMul on wasm', () => {
  it('wraps the stock kernel', () => {
    expect(stockWasmKernels[tf.BatchMatMul]).toBeDefined();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).not.toBe(stockWasmKernels[tf.BatchMatMul]);
  });

  for (const [i, c] of CASES.entries()) {
    it(`matches the cpu backend: a ${JSON.stringify(c.a)}${c.transposeA ? 'ᵀ' : ''} · b ${JSON.stringify(c.b)}${c.transposeB ? 'ᵀ' : ''}`, async () => {
      const rng = new Rng(10 + i);
      const av = Float32Array.from({ length: c.a.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1));
      const bv = Float32Array.from({ length: c.b.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1));
      const onWasm = product(c, av, bv);
      await tf.setBackend('cpu');
      const onCpu = product(c, av, bv);
      await tf.setBackend('wasm');
      expect(onWasm.shape).toEqual(onCpu.shape);
      for (let j = 0; j < onCpu.values.length; j++) expect(onWasm.values[j]).toBeCloseTo(onCpu.values[j], 5);
    });
  }

  it('leaks neither tensors nor wasm buffers on any transpose path', () => {
    const run = () => {
      for (const c of CASES) {
        tf.tidy(() => {
          tf.matMul(tf.ones(c.a), tf.ones(c.b), c.transposeA, c.transposeB);
        });
      }
    };
    run();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });

  it('still rejects mismatched inner dimensions', () => {
    expect(() => tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), true, true))).toThrow();
  });
});
