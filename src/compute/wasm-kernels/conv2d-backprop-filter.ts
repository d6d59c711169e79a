/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (training any conv layer
 * fails with "Kernel 'Conv2DBackpropFilter' not registered"). dW = patchesᵀ · dy, where the
 * patches are built in JavaScript straight into the wasm heap and the product runs on the
 * backend's own (XNNPACK) BatchMatMul kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2colTransposed, patchGeometry } from './im2col.js';

/** Patch matrices above this many floats are built a few images at a time to bound heap growth. */
export const DEFAULT_MAX_PATCH_ELEMENTS = 1 << 24;

type Attrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

function assertSupported(attrs: Attrs): void {
  const d = attrs.dilations;
  if (d != null && !(d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1))) {
    throw new Error(`Conv2DBackpropFilter (wasm): dilations ${JSON.stringify(d)} are not supported, only 1`);
  }
  if (attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat ${attrs.dataFormat} is not supported, only NHWC`);
  }
}

export function makeConv2DBackpropFilterKernel(maxPatchElements = DEFAULT_MAX_PATCH_ELEMENTS): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as Attrs;
    assertSupported(a);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter (wasm): float32 tensors expected, got ${x.dtype} and ${dy.dtype}`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const geometry = patchGeometry(info);
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    const outC = info.outChannels;
    const pixelsPerImage = info.outHeight * info.outWidth;
    const batch = info.batchSize;
    const imagesPerChunk = Math.max(1, Math.min(batch, Math.floor(maxPatchElements / Math.max(1, k * pixelsPerImage))));
    const matMul = tf.getKernel(tf.BatchMatMul, 'wasm');
    if (matMul == null) throw new Error('Conv2DBackpropFilter (wasm): BatchMatMul kernel is not registered');

    if (batch === 0 || pixelsPerImage === 0) {
      const zeros = wasm.makeOutput([...a.filterShape], 'float32');
      (wasm.typedArrayFromHeap(zeros) as Float32Array).fill(0);
      return zeros;
    }
    let result: tf.TensorInfo | null = null;
    for (let b0 = 0; b0 < batch; b0 += imagesPerChunk) {
      const count = Math.min(imagesPerChunk, batch - b0);
      const rows = count * pixelsPerImage;
      const wholeBatch = count === batch;
      const patches = wasm.makeOutput([k, rows], 'float32');
      const dyChunk = wholeBatch ? null : wasm.makeOutput([rows, outC], 'float32');
      // Views are taken only after every allocation: heap growth detaches earlier views.
      const xView = wasm.typedArrayFromHeap(x) as Float32Array;
      im2colTransposed(xView, wasm.typedArrayFromHeap(patches) as Float32Array, geometry, b0, count);
      if (dyChunk) {
        const dyView = wasm.typedArrayFromHeap(dy) as Float32Array;
        const start = b0 * pixelsPerImage * outC;
        (wasm.typedArrayFromHeap(dyChunk) as Float32Array).set(dyView.subarray(start, start + rows * outC));
      }
      const dy2d: tf.TensorInfo = dyChunk ?? { dataId: dy.dataId, shape: [rows, outC], dtype: 'float32' };
      const partial = matMul.kernelFunc({
        inputs: { a: patches, b: dy2d },
        attrs: { transposeA: false, transposeB: false },
        backend,
      }) as tf.TensorInfo;
      wasm.disposeData(patches.dataId);
      if (dyChunk) wasm.disposeData(dyChunk.dataId);
      if (result == null) {
        result = partial;
      } else {
        const acc = wasm.typedArrayFromHeap(result) as Float32Array;
        const add = wasm.typedArrayFromHeap(partial) as Float32Array;
        for (let i = 0; i < acc.length; i++) acc[i] += add[i];
        wasm.disposeData(partial.dataId);
      }
    }
    // [fH·fW·inC, outC] row-major is already the [fH, fW, inC, outC] layout.
    return { dataId: result!.dataId, shape: [...a.filterShape], dtype: 'float32' };
  };
}

export function conv2DBackpropFilterConfig(maxPatchElements = DEFAULT_MAX_PATCH_ELEMENTS): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropFilterKernel(maxPatchElements),
  };
}
