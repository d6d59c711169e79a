/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend, which ships without it (fine-tuning
 * MobileNet-style blocks fails with "Kernel 'DepthwiseConv2dNativeBackpropInput' not registered").
 *
 * With channel multiplier 1, dx is the stride-1 depthwise correlation of (stride-dilated) dy with
 * the spatially flipped filter, which runs on the backend's own XNNPACK DepthwiseConv2dNative:
 * on MobileNetV2's shapes 11× faster than the plain loops at stride 1 and 2.7× at stride 2,
 * despite the zeros a stride of 2 spreads in (bench/kernels.ts). One stride-1 correlation per
 * stride phase, over dy itself, measured no faster at stride 2 (XNNPACK's fast depthwise kernels
 * cover only some tap counts, so the phases need zero taps too) and is not used. Other
 * multipliers, and paddings that formulation cannot express, run the loops: each dy pixel
 * scattered onto the input pixels its window covers, along the contiguous channels, in memory
 * order.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { dilateNHWC, flipFilter, transposedPadding } from './conv2d-backprop-input.js';
import {
  assertShape,
  depthwiseGeometry,
  depthwiseOutShape,
  forEachTap,
  type DepthwiseAttrs,
  type DepthwiseGeometry,
} from './depthwise-geometry.js';

const NAME = tf.DepthwiseConv2dNativeBackpropInput;

/** Adds the input gradient of dy [N, outH, outW, C·M] and w [fH, fW, C, M] into dx [N, H, W, C]. */
export function depthwiseInputBackprop(dy: Float32Array, w: Float32Array, dx: Float32Array, g: DepthwiseGeometry): void {
  const { channels: C, multiplier: M } = g;
  // The loops read locals, not the closure's captured variables: measured up to 20% faster.
  forEachTap(
    g,
    M === 1
      ? (xi, d, t) => {
          const [ys, ws, out, n] = [dy, w, dx, C];
          for (let c = 0; c < n; c++) out[xi + c] += ys[d + c] * ws[t + c];
        }
      : (xi, d, t) => {
          const [ys, ws, out, n, mult] = [dy, w, dx, C, M];
          for (let c = 0, k = 0; c < n; c++) {
            let s = 0;
            for (let m = 0; m < mult; m++, k++) s += ys[d + k] * ws[t + k];
            out[xi + c] += s;
          }
        },
  );
}

function inLoops(wasm: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, g: DepthwiseGeometry, inputShape: number[]): tf.TensorInfo {
  const dx = wasm.makeOutput(inputShape, 'float32');
  // Views are taken only after every allocation: heap growth detaches earlier views.
  const dxView = wasm.typedArrayFromHeap(dx) as Float32Array;
  dxView.fill(0);
  depthwiseInputBackprop(wasm.typedArrayFromHeap(dy) as Float32Array, wasm.typedArrayFromHeap(filter) as Float32Array, dxView, g);
  return dx;
}

/** Multiplier 1 only; null where the padding has no forward-correlation equivalent. */
function asForwardCorrelation(wasm: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, g: DepthwiseGeometry): tf.TensorInfo | null {
  const padding = transposedPadding(g);
  const conv = tf.getKernel(tf.DepthwiseConv2dNative, 'wasm');
  if (padding == null || conv == null) return null;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW, channels: C } = g;
  const flipped = wasm.makeOutput([fH, fW, C, 1], 'float32');
  const strided = sH > 1 || sW > 1;
  const dilated = strided ? wasm.makeOutput([g.batch, padding.dilatedHeight, padding.dilatedWidth, C], 'float32') : null;
  // Views are taken only after every allocation: heap growth detaches earlier views.
  // [fH, fW, C, 1] has the memory layout of [fH, fW, 1, C]: flipping it as a 1-input-channel filter.
  flipFilter(wasm.typedArrayFromHeap(filter) as Float32Array, wasm.typedArrayFromHeap(flipped) as Float32Array, fH, fW, 1, C);
  if (dilated) {
    const dyView = wasm.typedArrayFromHeap(dy) as Float32Array;
    dilateNHWC(dyView, wasm.typedArrayFromHeap(dilated) as Float32Array, g.batch, g.outHeight, g.outWidth, C, sH, sW);
  }
  const attrs: tf.DepthwiseConv2dNativeAttrs = {
    strides: 1,
    pad: [
      [0, 0],
      [padding.top, padding.bottom],
      [padding.left, padding.right],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: 1,
  };
  const dx = conv.kernelFunc({
    inputs: { x: dilated ?? dy, filter: flipped },
    attrs: attrs as unknown as tf.NamedAttrMap,
    backend: wasm,
  }) as tf.TensorInfo;
  wasm.disposeData(flipped.dataId);
  if (dilated) wasm.disposeData(dilated.dataId);
  return dx;
}

export interface DepthwiseInputGradientOptions {
  /** Always run the loops, also where the forward correlation applies (tests and benchmarks compare both). */
  loopsOnly?: boolean;
}

export function makeDepthwiseConv2DBackpropInputKernel(options: DepthwiseInputGradientOptions = {}): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
    const g = depthwiseGeometry(NAME, a.inputShape, filter.shape, a, [dy, filter]);
    assertShape(NAME, 'dy', dy.shape, depthwiseOutShape(g));
    const viaConvolution = !options.loopsOnly && g.multiplier === 1 ? asForwardCorrelation(wasm, dy, filter, g) : null;
    return viaConvolution ?? inLoops(wasm, dy, filter, g, [...a.inputShape]);
  };
}

export function depthwiseConv2DBackpropInputConfig(options: DepthwiseInputGradientOptions = {}): tf.KernelConfig {
  return { kernelName: NAME, backendName: 'wasm', kernelFunc: makeDepthwiseConv2DBackpropInputKernel(options) };
}
