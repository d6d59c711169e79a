/**
 * Style statistics of a CNN activation: per-channel means and standard deviations plus a compact
 * Gram matrix of a fixed random projection of the channels, all signed-sqrt power-normalised
 * (bursty activations otherwise dominate Euclidean distances).
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_STYLE_OPTIONS, projectedChannels, seededProjection, styleDims, upperTriangleIndices, type StyleDims, type StyleOptions } from './spec.js';

export type { FeatureBlock } from '../encoders/feature-transform.js';

/**
 * sign(x)·sqrt(|x|), as √relu(x) − √relu(−x): tfjs-wasm's Sign returns 0 for |x| below float32's
 * epsilon (≈1.2e-7), which would zero entries up to 3.5e-4 that ONNX Runtime (exact Sign) keeps.
 */
export function signedSqrt<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sub(tf.sqrt(tf.relu(x)), tf.sqrt(tf.relu(tf.neg(x)))) as T);
}

export interface StyleStatistics {
  mean: tf.Tensor2D;
  std: tf.Tensor2D;
  gram: tf.Tensor2D;
}

/**
 * A reusable computer for one layer: holds the projection and triangle indices as tensors.
 * `compute(act)` takes [N, H, W, C] and returns power-normalised [N, ·] statistics.
 */
export class StyleStatisticsComputer {
  readonly channels: number;
  readonly k: number;
  readonly dims: StyleDims;
  private readonly projection: tf.Tensor2D;
  private readonly triangle: tf.Tensor1D;
  private readonly offDiagonalScale: tf.Tensor1D;

  constructor(channels: number, readonly opts: StyleOptions = DEFAULT_STYLE_OPTIONS) {
    this.channels = channels;
    this.k = projectedChannels(channels, opts);
    this.dims = styleDims(channels, opts);
    this.projection = tf.tensor2d(seededProjection(channels, this.k, opts.seed), [channels, this.k]);
    const tri = upperTriangleIndices(this.k);
    this.triangle = tf.tensor1d(tri, 'int32');
    // sqrt(2) on off-diagonal entries: the triangle's Euclidean norm then equals the full matrix's.
    const scale = new Float32Array(tri.length);
    for (let n = 0; n < tri.length; n++) scale[n] = Math.floor(tri[n] / this.k) === tri[n] % this.k ? 1 : Math.SQRT2;
    this.offDiagonalScale = tf.tensor1d(scale);
  }

  compute(act: tf.Tensor4D): StyleStatistics {
    return tf.tidy(() => {
      const [n, h, w, c] = act.shape;
      if (c !== this.channels) throw new Error(`expected ${this.channels} channels, got ${c}`);
      const hw = h * w;
      const x = tf.reshape(act, [n, hw, c]);
      const mean = tf.mean(x, 1);
      const variance = this.opts.twoPassVariance
        ? tf.mean(tf.square(tf.sub(x, tf.expandDims(mean, 1))), 1)
        : tf.relu(tf.sub(tf.mean(tf.square(x), 1), tf.square(mean)));
      const std = tf.sqrt(tf.add(variance, 1e-8));
      let z = tf.reshape(tf.matMul(tf.reshape(x, [n * hw, c]), this.projection), [n, hw, this.k]);
      if (this.opts.centered) z = tf.sub(z, tf.mean(z, 1, true));
      const g = tf.div(tf.matMul(z, z, true, false), hw);
      const tri = tf.gather(tf.reshape(g, [n, this.k * this.k]), this.triangle, 1);
      return {
        mean: signedSqrt(mean) as tf.Tensor2D,
        std: signedSqrt(std) as tf.Tensor2D,
        gram: tf.mul(signedSqrt(tri), this.offDiagonalScale) as tf.Tensor2D,
      };
    });
  }

  dispose(): void {
    tf.dispose([this.projection, this.triangle, this.offDiagonalScale]);
  }
}
