/**
 * Transposed im2col for NHWC input: row k = (fh·fW + fw)·inC + c of the result holds, for every
 * output pixel m = (b·outH + oh)·outW + ow, the input value that filter tap meets (0 in padding).
 * Building the transpose directly lets the filter gradient be one untransposed matMul, which the
 * wasm BatchMatMul runs an order of magnitude faster than a transposeA product.
 */
import type * as tf from '@tensorflow/tfjs';

export interface PatchGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** The patch geometry of an NHWC convolution, as tfjs computes it. */
export function patchGeometry(info: tf.backend_util.Conv2DInfo): PatchGeometry {
  return {
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
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

/**
 * Fills `dst` ([fH·fW·inC, batchCount·outH·outW], row-major) from images
 * [batchStart, batchStart + batchCount) of `x` ([N, inH, inW, inC]).
 */
export function im2colTransposed(
  x: Float32Array,
  dst: Float32Array,
  g: PatchGeometry,
  batchStart: number,
  batchCount: number,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth } = g;
  const imageSize = inHeight * inWidth * inChannels;
  const rowStride = inWidth * inChannels;
  const cols = batchCount * outHeight * outWidth;
  for (let fh = 0; fh < g.filterHeight; fh++) {
    for (let fw = 0; fw < g.filterWidth; fw++) {
      // Output columns whose tap falls inside the image: 0 <= ow·sW - padLeft + fw < inW.
      const owStart = Math.max(0, Math.ceil((g.padLeft - fw) / g.strideWidth));
      const owEnd = Math.min(outWidth, Math.ceil((inWidth + g.padLeft - fw) / g.strideWidth));
      for (let c = 0; c < inChannels; c++) {
        const rowBase = ((fh * g.filterWidth + fw) * inChannels + c) * cols;
        let m = rowBase;
        for (let b = batchStart; b < batchStart + batchCount; b++) {
          const imageBase = b * imageSize + c;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * g.strideHeight - g.padTop + fh;
            if (ih < 0 || ih >= inHeight || owStart >= owEnd) {
              dst.fill(0, m, m + outWidth);
              m += outWidth;
              continue;
            }
            if (owStart > 0) dst.fill(0, m, m + owStart);
            const src0 = imageBase + ih * rowStride + (owStart * g.strideWidth - g.padLeft + fw) * inChannels;
            const step = g.strideWidth * inChannels;
            for (let ow = owStart, s = src0; ow < owEnd; ow++, s += step) dst[m + ow] = x[s];
            if (owEnd < outWidth) dst.fill(0, m + owEnd, m + outWidth);
            m += outWidth;
          }
        }
      }
    }
  }
}
