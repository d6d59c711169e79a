/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend, which ships without it (fine-tuning
 * MobileNet-style blocks fails with "Kernel 'DepthwiseConv2dNativeBackpropFilter' not
 * registered"). dW[fh, fw, c, m] = Σ_{b, oh, ow} x[b, oh·sH − top + fh, ow·sW − left + fw, c] ·
 * dy[b, oh, ow, c·M + m]: per channel, so plain loops over the wasm heap, no matrix product.
 *
 * 3×3 filters with multiplier 1 (every depthwise layer of MobileNetV2) keep the nine sums of a
 * channel in registers while they walk its pixels: one load of dy and nine of x per nine
 * multiply-adds, against three loads and a store each in the general loop, which takes 2.5-4×
 * longer on MobileNetV2's shapes (bench/kernels.ts). Consecutive channels share cache lines, so
 * a channel's walk finds the lines the previous one brought in. The general loop visits output
 * pixels in memory order and runs every tap along the contiguous channels, so x and dy stream
 * through once while the [fH·fW·C·M] accumulator stays in cache. Computing the gradient on the
 * backend's XNNPACK depthwise kernel instead (the batch moved into the channels, dy as a dilated
 * filter) measured 2-3.5× slower than the 3×3 loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  assertShape,
  depthwiseGeometry,
  depthwiseOutShape,
  forEachTap,
  type DepthwiseAttrs,
  type DepthwiseGeometry,
} from './depthwise-geometry.js';

const NAME = tf.DepthwiseConv2dNativeBackpropFilter;

/**
 * Adds the filter gradient of x [N, H, W, C] and dy [N, outH, outW, C·M] into `acc`
 * ([fH, fW, C, M] row-major). Sums run in float64, as in the cpu backend.
 */
export function depthwiseFilterBackprop(x: Float32Array, dy: Float32Array, acc: Float64Array, g: DepthwiseGeometry): void {
  const { channels: C, multiplier: M } = g;
  // The loops read locals, not the closure's captured variables: measured up to 20% faster.
  forEachTap(
    g,
    M === 1
      ? (xi, d, t) => {
          const [xs, ys, sums, n] = [x, dy, acc, C];
          for (let c = 0; c < n; c++) sums[t + c] += xs[xi + c] * ys[d + c];
        }
      : (xi, d, t) => {
          const [xs, ys, sums, n, mult] = [x, dy, acc, C, M];
          for (let c = 0, k = 0; c < n; c++) {
            const xv = xs[xi + c];
            for (let m = 0; m < mult; m++, k++) sums[t + k] += xv * ys[d + k];
          }
        },
  );
}

/**
 * The 3×3, multiplier-1 case of depthwiseFilterBackprop (non-empty output). An image whose taps
 * all fall inside it is read in place; otherwise the region its taps read
 * ((outH − 1)·sH + 3 rows, (outW − 1)·sW + 3 columns) is copied into a zero-padded buffer first.
 */
export function depthwiseFilterBackprop3x3(x: Float32Array, dy: Float32Array, acc: Float64Array, g: DepthwiseGeometry): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW, strideHeight: sH, strideWidth: sW } = g;
  const regionH = (OH - 1) * sH + 3;
  const regionW = (OW - 1) * sW + 3;
  const inPlace = g.padTop === 0 && g.padLeft === 0 && regionH <= H && regionW <= W;
  const scratch = inPlace ? null : new Float32Array(regionH * regionW * C);
  const src = scratch ?? x;
  const row = (inPlace ? W : regionW) * C;
  const C2 = 2 * C;
  for (let b = 0; b < g.batch; b++) {
    let base = b * H * W * C;
    if (scratch) {
      padRegion(x, base, g, regionH, regionW, scratch);
      base = 0;
    }
    const dyImage = b * OH * OW * C;
    for (let c = 0; c < C; c++) {
      let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
      for (let oh = 0; oh < OH; oh++) {
        let r0 = base + oh * sH * row + c;
        let d = dyImage + oh * OW * C + c;
        for (let ow = 0; ow < OW; ow++, r0 += sW * C, d += C) {
          const v = dy[d];
          const r1 = r0 + row;
          const r2 = r1 + row;
          s00 += src[r0] * v;
          s01 += src[r0 + C] * v;
          s02 += src[r0 + C2] * v;
          s10 += src[r1] * v;
          s11 += src[r1 + C] * v;
          s12 += src[r1 + C2] * v;
          s20 += src[r2] * v;
          s21 += src[r2 + C] * v;
          s22 += src[r2 + C2] * v;
        }
      }
      acc[c] += s00;
      acc[C + c] += s01;
      acc[2 * C + c] += s02;
      acc[3 * C + c] += s10;
      acc[4 * C + c] += s11;
      acc[5 * C + c] += s12;
      acc[6 * C + c] += s20;
      acc[7 * C + c] += s21;
      acc[8 * C + c] += s22;
    }
  }
}

/** Copies the rows and columns an image's taps read into `dst`, zeros where they fall outside it. */
function padRegion(x: Float32Array, imageBase: number, g: DepthwiseGeometry, regionH: number, regionW: number, dst: Float32Array): void {
  const C = g.channels;
  const rowLength = regionW * C;
  // Region columns [w0, w1) lie inside the image.
  const w0 = Math.min(regionW, Math.max(0, g.padLeft));
  const w1 = Math.max(w0, Math.min(regionW, g.inWidth + g.padLeft));
  for (let h = 0; h < regionH; h++) {
    const ih = h - g.padTop;
    const out = h * rowLength;
    if (ih < 0 || ih >= g.inHeight || w1 === w0) {
      dst.fill(0, out, out + rowLength);
      continue;
    }
    dst.fill(0, out, out + w0 * C);
    const from = imageBase + (ih * g.inWidth + w0 - g.padLeft) * C;
    dst.set(x.subarray(from, from + (w1 - w0) * C), out + w0 * C);
    dst.fill(0, out + w1 * C, out + rowLength);
  }
}

export interface DepthwiseFilterGradientOptions {
  /** Always run the general loop, also for 3×3 filters (tests and benchmarks compare both). */
  generalOnly?: boolean;
}

export function makeDepthwiseConv2DBackpropFilterKernel(options: DepthwiseFilterGradientOptions = {}): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const g = depthwiseGeometry(NAME, x.shape, a.filterShape, a, [x, dy]);
    assertShape(NAME, 'dy', dy.shape, depthwiseOutShape(g));
    const acc = new Float64Array(a.filterShape[0] * a.filterShape[1] * a.filterShape[2] * a.filterShape[3]);
    const out = wasm.makeOutput([...a.filterShape], 'float32');
    // Views are taken only after every allocation: heap growth detaches earlier views.
    const xView = wasm.typedArrayFromHeap(x) as Float32Array;
    const dyView = wasm.typedArrayFromHeap(dy) as Float32Array;
    const threeByThree = !options.generalOnly && g.filterHeight === 3 && g.filterWidth === 3 && g.multiplier === 1;
    // Without output pixels the gradient is zero.
    if (g.outHeight > 0 && g.outWidth > 0) (threeByThree ? depthwiseFilterBackprop3x3 : depthwiseFilterBackprop)(xView, dyView, acc, g);
    (wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
    return out;
  };
}

export function depthwiseConv2DBackpropFilterConfig(options: DepthwiseFilterGradientOptions = {}): tf.KernelConfig {
  return { kernelName: NAME, backendName: 'wasm', kernelFunc: makeDepthwiseConv2DBackpropFilterKernel(options) };
}
