/**
 * Conv2DBackpropInput for the wasm backend as a forward convolution: dx is the correlation of
 * (stride-dilated) dy with the spatially flipped, in/out-swapped filter, which runs on the
 * backend's XNNPACK Conv2D. The stock kernel takes 8-9× longer on training shapes
 * (bench/kernels.ts) and was the largest cost of a training step. Paddings that would have to be
 * negative, and non-NHWC or non-float32 inputs, fall back to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { patchGeometry, type PatchGeometry } from './im2col.js';

/** [fH, fW, inC, outC] → [fH, fW, outC, inC], rotated 180° in the spatial plane. */
export function flipFilter(w: Float32Array, dst: Float32Array, fH: number, fW: number, inC: number, outC: number): void {
  for (let i = 0; i < fH; i++) {
    for (let j = 0; j < fW; j++) {
      const src = (i * fW + j) * inC * outC;
      const out = ((fH - 1 - i) * fW + (fW - 1 - j)) * outC * inC;
      for (let c = 0; c < inC; c++) {
        for (let o = 0; o < outC; o++) dst[out + o * inC + c] = w[src + c * outC + o];
      }
    }
  }
}

/** Spreads dy [N, outH, outW, C] onto a zeroed [N, (outH-1)·sH+1, (outW-1)·sW+1, C] grid. */
export function dilateNHWC(
  dy: Float32Array,
  dst: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  sH: number,
  sW: number,
): void {
  const dh = (h - 1) * sH + 1;
  const dw = (w - 1) * sW + 1;
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((b * h + y) * w + x) * c;
        dst.set(dy.subarray(src, src + c), ((b * dh + y * sH) * dw + x * sW) * c);
      }
    }
  }
}

export interface TransposedPadding {
  /** (outH − 1)·sH + 1 and (outW − 1)·sW + 1: dy spread onto the stride grid. */
  dilatedHeight: number;
  dilatedWidth: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The padding of the stride-1 forward correlation of stride-dilated dy with the flipped filter
 * that yields dx; null where a side would have to be negative (padding wider than the filter) or
 * dy is empty, which that formulation cannot express.
 */
export function transposedPadding(g: Omit<PatchGeometry, 'inChannels'>): TransposedPadding | null {
  const dilatedHeight = (g.outHeight - 1) * g.strideHeight + 1;
  const dilatedWidth = (g.outWidth - 1) * g.strideWidth + 1;
  const top = g.filterHeight - 1 - g.padTop;
  const left = g.filterWidth - 1 - g.padLeft;
  const bottom = g.inHeight + g.filterHeight - 1 - top - dilatedHeight;
  const right = g.inWidth + g.filterWidth - 1 - left - dilatedWidth;
  if (top < 0 || left < 0 || bottom < 0 || right < 0 || g.outHeight === 0 || g.outWidth === 0) return null;
  return { dilatedHeight, dilatedWidth, top, bottom, left, right };
}

export function makeConv2DBackpropInputKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const wasm = backend as BackendWasm;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if ((a.dataFormat != null && a.dataFormat !== 'NHWC') || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      return fallback(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
    const padding = transposedPadding(patchGeometry(info));
    if (padding == null) return fallback(args);
    const { dilatedHeight: dilatedH, dilatedWidth: dilatedW, top, bottom, left, right } = padding;

    const conv = tf.getKernel(tf.Conv2D, 'wasm');
    if (conv == null) return fallback(args);
    const flipped = wasm.makeOutput([fH, fW, info.outChannels, info.inChannels], 'float32');
    const strided = sH > 1 || sW > 1;
    const dilated = strided ? wasm.makeOutput([info.batchSize, dilatedH, dilatedW, info.outChannels], 'float32') : null;
    // Views are taken only after every allocation: heap growth detaches earlier views.
    flipFilter(
      wasm.typedArrayFromHeap(filter) as Float32Array,
      wasm.typedArrayFromHeap(flipped) as Float32Array,
      fH,
      fW,
      info.inChannels,
      info.outChannels,
    );
    if (dilated) {
      dilateNHWC(
        wasm.typedArrayFromHeap(dy) as Float32Array,
        wasm.typedArrayFromHeap(dilated) as Float32Array,
        info.batchSize,
        info.outHeight,
        info.outWidth,
        info.outChannels,
        sH,
        sW,
      );
    }
    const convAttrs: tf.Conv2DAttrs = {
      strides: 1,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: 1,
    };
    const dx = conv.kernelFunc({
      inputs: { x: dilated ?? dy, filter: flipped },
      attrs: convAttrs as unknown as tf.NamedAttrMap,
      backend,
    }) as tf.TensorInfo;
    wasm.disposeData(flipped.dataId);
    if (dilated) wasm.disposeData(dilated.dataId);
    return dx;
  };
}

/** Wraps the backend's own kernel, which stays the fallback and keeps its setup hook. */
export function conv2DBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: makeConv2DBackpropInputKernel(stock.kernelFunc),
  };
}
