/**
 * Style statistics of a CNN activation: per-channel means and standard deviations plus a compact
 * Gram matrix of a fixed random projection of the channels, all signed-sqrt power-normalised
 * (bursty activations otherwise dominate Euclidean distances).
 */
import * as tf from '@tensorflow/tfjs';

export type { FeatureBlock } from '../encoders/feature-transform.js';

export interface StyleOptions {
  /** Channels the activation is projected to before the Gram matrix (its upper triangle is kept). */
  gramChannels: number;
  /** Gram of mean-centred projections (a covariance) instead of raw second moments. */
  centered: boolean;
  seed: number;
}

export const DEFAULT_STYLE_OPTIONS: StyleOptions = { gramChannels: 48, centered: true, seed: 20240611 };

export interface StyleDims {
  mean: number;
  std: number;
  gram: number;
}

export function projectedChannels(channels: number, opts: StyleOptions): number {
  return Math.min(channels, opts.gramChannels);
}

export function styleDims(channels: number, opts: StyleOptions): StyleDims {
  const k = projectedChannels(channels, opts);
  return { mean: channels, std: channels, gram: (k * (k + 1)) / 2 };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A [channels, k] Gaussian matrix scaled by 1/sqrt(channels), identical on every run and thread
 * for the same (channels, k, seed); the identity when no reduction is needed.
 */
export function seededProjection(channels: number, k: number, seed: number): Float32Array {
  const out = new Float32Array(channels * k);
  if (k >= channels) {
    for (let i = 0; i < channels; i++) out[i * k + i] = 1;
    return out;
  }
  const rand = mulberry32(seed ^ Math.imul(channels, 0x9e3779b1) ^ Math.imul(k, 0x85ebca6b));
  const scale = 1 / Math.sqrt(channels);
  for (let i = 0; i < out.length; i += 2) {
    // Box–Muller: two normals per pair of uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v) * scale;
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v) * scale;
  }
  return out;
}

/** Flat indices of the upper triangle (with diagonal) of a k×k matrix, row-major. */
export function upperTriangleIndices(k: number): Int32Array {
  const idx = new Int32Array((k * (k + 1)) / 2);
  let n = 0;
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) idx[n++] = i * k + j;
  return idx;
}

export function signedSqrt<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.sign(x), tf.sqrt(tf.abs(x))) as T);
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
      const variance = tf.relu(tf.sub(tf.mean(tf.square(x), 1), tf.square(mean)));
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
