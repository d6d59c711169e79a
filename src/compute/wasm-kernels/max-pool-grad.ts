/**
 * MaxPoolGrad for the wasm backend in JavaScript over the wasm heap: finds each window's maximum
 * once (the first in row-major order, like the cpu backend) and routes dy to it. The stock kernel
 * takes 2-3× longer on training shapes (bench/kernels.ts) and is kept as the fallback.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** dx must be zeroed by the caller. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const C = g.channels;
  const rowStride = g.inWidth * C;
  for (let b = 0; b < g.batch; b++) {
    const imageBase = b * g.inHeight * rowStride;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const h0 = oh * g.strideHeight - g.padTop;
      const hMin = Math.max(0, h0);
      const hMax = Math.min(g.inHeight, h0 + g.filterHeight);
      for (let ow = 0; ow < g.outWidth; ow++) {
        const w0 = ow * g.strideWidth - g.padLeft;
        const wMin = Math.max(0, w0);
        const wMax = Math.min(g.inWidth, w0 + g.filterWidth);
        const dyBase = ((b * g.outHeight + oh) * g.outWidth + ow) * C;
        const corner = imageBase + hMin * rowStride + wMin * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let h = hMin, r = corner + c; h < hMax; h++, r += rowStride) {
            for (let w = wMin, p = r; w < wMax; w++, p += C) {
              const v = x[p];
              if (v > best) {
                best = v;
                at = p;
              }
            }
          }
          if (at >= 0) dx[at] += dy[dyBase + c];
        }
      }
    }
  }
}

export function makeMaxPoolGradKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const wasm = backend as BackendWasm;
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = attrs as unknown as tf.MaxPoolGradAttrs;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return fallback(args);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const dx = wasm.makeOutput([...input.shape], 'float32');
    const dxView = wasm.typedArrayFromHeap(dx) as Float32Array;
    dxView.fill(0);
    maxPoolBackprop(wasm.typedArrayFromHeap(input) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, dxView, {
      batch: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      channels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      filterHeight: info.effectiveFilterHeight,
      filterWidth: info.effectiveFilterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    });
    return dx;
  };
}

/** Wraps the backend's own kernel, which stays the fallback and keeps its setup hook. */
export function maxPoolGradConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.MaxPoolGrad,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: makeMaxPoolGradKernel(stock.kernelFunc),
  };
}
