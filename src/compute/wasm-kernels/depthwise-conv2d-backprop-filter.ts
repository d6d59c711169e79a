/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend, which ships without it (fine-tuning
 * MobileNet-style blocks fails with "Kernel 'DepthwiseConv2dNativeBackpropFilter' not
 * registered"). dW[fh, fw, c, m] = Σ_{b, oh, ow} x[b, oh·sH − top + fh, ow·sW − left + fw, c] ·
 * dy[b, oh, ow, c·M + m]: per channel, so plain loops over the wasm heap, no matrix product.
 * Output pixels are visited in memory order and every tap runs along the contiguous channels, so
 * x and dy stream through once while the [fH·fW·C·M] accumulator stays in cache.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertShape, depthwiseGeometry, depthwiseOutShape, type DepthwiseAttrs, type DepthwiseGeometry } from './depthwise-geometry.js';

const NAME = tf.DepthwiseConv2dNativeBackpropFilter;

/**
 * Adds the filter gradient of x [N, H, W, C] and dy [N, outH, outW, C·M] into `acc`
 * ([fH, fW, C, M] row-major). Sums run in float64, as in the cpu backend.
 */
export function depthwiseFilterBackprop(x: Float32Array, dy: Float32Array, acc: Float64Array, g: DepthwiseGeometry): void {
  const { inHeight: H, inWidth: W, channels: C, multiplier: M, outHeight: OH, outWidth: OW, filterHeight: fH, filterWidth: fW } = g;
  const CM = C * M;
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
        const d = ((b * OH + oh) * OW + ow) * CM;
        for (let fh = fhMin; fh < fhMax; fh++) {
          const rowBase = imageBase + (ih0 + fh) * W * C;
          for (let fw = fwMin; fw < fwMax; fw++) {
            const xi = rowBase + (iw0 + fw) * C;
            const t = (fh * fW + fw) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[t + c] += x[xi + c] * dy[d + c];
            } else {
              for (let c = 0, k = 0; c < C; c++) {
                const xv = x[xi + c];
                for (let m = 0; m < M; m++, k++) acc[t + k] += xv * dy[d + k];
              }
            }
          }
        }
      }
    }
  }
}

export function makeDepthwiseConv2DBackpropFilterKernel(): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
    const g = depthwiseGeometry(NAME, x.shape, a.filterShape, a, [x, dy]);
    assertShape(NAME, 'dy', dy.shape, depthwiseOutShape(g));
    const acc = new Float64Array(a.filterShape[0] * a.filterShape[1] * a.filterShape[2] * a.filterShape[3]);
    const out = wasm.makeOutput([...a.filterShape], 'float32');
    // Views are taken only after every allocation: heap growth detaches earlier views.
    depthwiseFilterBackprop(wasm.typedArrayFromHeap(x) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, acc, g);
    (wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
    return out;
  };
}

export function depthwiseConv2DBackpropFilterConfig(): tf.KernelConfig {
  return { kernelName: NAME, backendName: 'wasm', kernelFunc: makeDepthwiseConv2DBackpropFilterKernel() };
}
