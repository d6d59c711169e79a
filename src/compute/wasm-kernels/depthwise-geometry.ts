/**
 * The geometry both depthwise-convolution gradients share, and the attributes they accept.
 * NHWC only; the filter is [fH, fW, C, M] (M: channel multiplier), the output has C·M channels,
 * output channel c·M + m coming from input channel c.
 */
import * as tf from '@tensorflow/tfjs';

export interface DepthwiseGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  multiplier: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
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
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    multiplier: filterShape[3],
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
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
