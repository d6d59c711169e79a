import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import {
  fusedBatchNormGradConfig,
  registerWasmTrainingKernels,
  stockGradients,
  stockWasmKernels,
} from '../../src/compute/wasm-kernels/index.js';

const REPLACED = [tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.BatchMatMul];
/** Kernels the wasm backend lacks, registered outright. */
const PROVIDED = [tf.Conv2DBackpropFilter, tf.DepthwiseConv2dNativeBackpropInput, tf.DepthwiseConv2dNativeBackpropFilter];

afterEach(() => {
  vi.restoreAllMocks();
});

// Runs in its own process, in order: the wasm package is not imported until initBackend.
describe('registerWasmTrainingKernels', () => {
  it('called before the wasm package is loaded, registers what it can', () => {
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBeUndefined();
    const stockGrad = tf.getGradient(tf.FusedBatchNorm);
    registerWasmTrainingKernels();
    for (const k of PROVIDED) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fusedBatchNormGradConfig);
    expect(stockGradients[tf.FusedBatchNorm]).toBe(stockGrad);
    for (const k of REPLACED) expect(stockWasmKernels[k]).toBeUndefined();
  });

  it('completes the replacements once the wasm backend is initialised', async () => {
    const warn = vi.spyOn(console, 'warn');
    await initBackend('wasm');
    for (const k of REPLACED) {
      expect(stockWasmKernels[k]).toBeDefined();
      expect(tf.getKernel(k, 'wasm')).not.toBe(stockWasmKernels[k]);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('is idempotent and silent', () => {
    const warn = vi.spyOn(console, 'warn');
    const before = [...PROVIDED, ...REPLACED].map((k) => tf.getKernel(k, 'wasm'));
    const stockBefore = REPLACED.map((k) => stockWasmKernels[k]);
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect([...PROVIDED, ...REPLACED].map((k) => tf.getKernel(k, 'wasm'))).toEqual(before);
    expect(REPLACED.map((k) => stockWasmKernels[k])).toEqual(stockBefore);
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fusedBatchNormGradConfig);
    expect(warn).not.toHaveBeenCalled();
  });

  it('leaves the replaced kernels working: a conv training step runs on wasm', () => {
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 3, 4]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(tf.square(tf.maxPool(tf.conv2d(x, w as tf.Variable<tf.Rank.R4>, 1, 'same'), 2, 2, 'valid'))),
    );
    expect(grads[w.name].shape).toEqual([3, 3, 3, 4]);
    expect(Array.from(grads[w.name].dataSync()).some((g) => g !== 0)).toBe(true);
    tf.dispose([value, grads[w.name]]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
