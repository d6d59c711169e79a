/**
 * Kernels and gradients the wasm backend needs to train CNNs at a usable speed: the missing
 * Conv2DBackpropFilter and depthwise-convolution gradients (DepthwiseConv2dNativeBackpropInput and
 * DepthwiseConv2dNativeBackpropFilter, which fine-tuning MobileNet-style blocks needs), faster
 * replacements for Conv2DBackpropInput, MaxPoolGrad and transposed BatchMatMul (the stock kernels
 * stay underneath as fallbacks), and a batch-norm gradient without full-size tiling. Gradients are
 * global in tfjs, so that one also applies to other backends; it is exact, only faster.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormGradConfig } from './batch-norm-grad.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2DBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2DBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';

export { fusedBatchNormGradConfig } from './batch-norm-grad.js';
export { batchMatMulConfig, makeBatchMatMulKernel } from './batch-mat-mul.js';
export { conv2DBackpropFilterConfig, makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
export { conv2DBackpropInputConfig, makeConv2DBackpropInputKernel } from './conv2d-backprop-input.js';
export {
  depthwiseConv2DBackpropFilterConfig,
  makeDepthwiseConv2DBackpropFilterKernel,
} from './depthwise-conv2d-backprop-filter.js';
export {
  depthwiseConv2DBackpropInputConfig,
  makeDepthwiseConv2DBackpropInputKernel,
} from './depthwise-conv2d-backprop-input.js';
export { maxPoolGradConfig, makeMaxPoolGradKernel } from './max-pool-grad.js';

/** The backend's own kernels and the core gradients that were replaced, kept for comparisons. */
export const stockWasmKernels: Partial<Record<string, tf.KernelConfig>> = {};
export const stockGradients: Partial<Record<string, tf.GradConfig>> = {};

/** Registers a kernel the backend lacks; a future backend release that ships its own keeps it. */
function provide(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
}

function replace(kernelName: string, wrap: (stock: tf.KernelConfig) => tf.KernelConfig): void {
  if (stockWasmKernels[kernelName]) return;
  const stock = tf.getKernel(kernelName, 'wasm');
  // Not registered yet: @tensorflow/tfjs-backend-wasm has not been imported; a later call will do it.
  if (stock == null) return;
  stockWasmKernels[kernelName] = stock;
  // Unregister first: re-registering an existing key logs a warning on every start.
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(wrap(stock));
}

/**
 * Idempotent. initBackend calls it once the wasm backend is active; called before
 * @tensorflow/tfjs-backend-wasm is imported, it registers what it can and a later call does the rest.
 */
export function registerWasmTrainingKernels(): void {
  provide(conv2DBackpropFilterConfig());
  provide(depthwiseConv2DBackpropInputConfig());
  provide(depthwiseConv2DBackpropFilterConfig());
  replace(tf.Conv2DBackpropInput, conv2DBackpropInputConfig);
  replace(tf.MaxPoolGrad, maxPoolGradConfig);
  replace(tf.BatchMatMul, batchMatMulConfig);
  const current = tf.getGradient(tf.FusedBatchNorm);
  if (current !== fusedBatchNormGradConfig) {
    if (current && !stockGradients[tf.FusedBatchNorm]) stockGradients[tf.FusedBatchNorm] = current;
    tf.registerGradient(fusedBatchNormGradConfig);
  }
}
