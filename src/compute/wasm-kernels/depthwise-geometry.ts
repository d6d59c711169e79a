/**
 * The geometry both depthwise-convolution gradients share, and the attributes they accept.
 * NHWC only; the filter is [fH, fW, C, M] (M: channel multiplier), the output has C·M channels,
 * output channel c·M + m coming from input channel c.
 */
import * as tf from '@tensorflow/tfjs';
import { patchGeometry, type PatchGeometry } from './im2col.js';

/** The window geometry of a convolution (inChannels is `channels` here), batch and multiplier. */
export interface DepthwiseGeometry extends Omit<PatchGeometry, 'inChannels'> {
  batch: number;
  channels: number;
  multiplier: number;
}

export interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number] | null;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: string;
}

function dilationsAreOne(d: DepthwiseAttrs['dilations']): boolean {
  return d == null || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1);
}

/** Throws a clear error for what the kernels do not implement: dilations, NCHW, non-float32 tensors. */
export function depthwiseGeometry(
  kernelName: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: DepthwiseAttrs,
  tensors: readonly tf.TensorInfo[],
): DepthwiseGeometry {
  if (!dilationsAreOne(attrs.dilations)) {
    throw new Error(`${kernelName} (wasm): dilations ${JSON.stringify(attrs.dilations)} are not supported, only 1`);
  }
  if (attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (wasm): dataFormat ${attrs.dataFormat} is not supported, only NHWC`);
  }
  for (const t of tensors) {
    if (t.dtype !== 'float32') throw new Error(`${kernelName} (wasm): float32 tensors expected, got ${t.dtype}`);
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernelName} (wasm): rank-4 input and filter expected, got shapes [${inShape}] and [${filterShape}]`);
  }
  if (inShape[3] !== filterShape[2]) {
    throw new Error(`${kernelName} (wasm): input has ${inShape[3]} channels but the filter expects ${filterShape[2]}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const { inChannels, ...window } = patchGeometry(info);
  return { ...window, batch: info.batchSize, channels: inChannels, multiplier: filterShape[3] };
}

/**
 * Calls `visit` for every (output pixel, filter tap) pair whose tap falls inside the image, in
 * memory order: with the offset of the input pixel in x [N, H, W, C], of the output pixel in
 * dy [N, outH, outW, C·M] and of the tap in the filter [fH, fW, C, M]. The general loops of both
 * gradients run their channel loops inside.
 */
export function forEachTap(g: DepthwiseGeometry, visit: (xi: number, dyi: number, wi: number) => void): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW, filterHeight: fH, filterWidth: fW } = g;
  const CM = C * g.multiplier;
  for (let b = 0; b < g.batch; b++) {
    const imageBase = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * g.strideHeight - g.padTop;
      const fhMin = Math.max(0, -ih0);
      const fhMax = Math.min(fH, H - ih0);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * g.strideWidth - g.padLeft;
        const fwMin = Math.max(0, -iw0);
        const fwMax = Math.min(fW, W - iw0);
        const dyi = ((b * OH + oh) * OW + ow) * CM;
        for (let fh = fhMin; fh < fhMax; fh++) {
          const rowBase = imageBase + (ih0 + fh) * W * C;
          for (let fw = fwMin; fw < fwMax; fw++) visit(rowBase + (iw0 + fw) * C, dyi, (fh * fW + fw) * CM);
        }
      }
    }
  }
}

/** [N, outH, outW, C·M]: the shape dy must have. */
export function depthwiseOutShape(g: DepthwiseGeometry): [number, number, number, number] {
  return [g.batch, g.outHeight, g.outWidth, g.channels * g.multiplier];
}

export function assertShape(kernelName: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${kernelName} (wasm): ${what} has shape [${actual}], expected [${expected}]`);
  }
}
