/**
 * Embeddings are L2-normalised and scaled to a sphere of radius `scale`. With the default radius 5
 * every distance lies in [0, 10]: the reference's ROC threshold grid (0–10) covers the whole range
 * and its margin of 2 keeps a fixed meaning (a fifth of the largest possible distance), whatever
 * the preset. A scale of 0 leaves the raw output, as the reference network had it.
 */
import * as tf from '@tensorflow/tfjs';

export const DEFAULT_EMBEDDING_SCALE = 5;

export function toEmbeddingSpace(raw: tf.Tensor2D, scale: number): tf.Tensor2D {
  if (!scale) return raw.clone();
  return tf.tidy(() => tf.mul(tf.div(raw, tf.sqrt(tf.add(tf.sum(tf.square(raw), 1, true), 1e-12))), scale)) as tf.Tensor2D;
}

/** The same mapping on plain arrays (for features that never were tensors). */
export function normaliseRows(data: Float32Array, dim: number, scale: number): Float32Array {
  if (!scale) return data;
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dim; r++) {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += data[r * dim + k] ** 2;
    const f = scale / Math.sqrt(sum + 1e-12);
    for (let k = 0; k < dim; k++) out[r * dim + k] = data[r * dim + k] * f;
  }
  return out;
}

/**
 * One embedding per painting from several views' embeddings (each already on the sphere): their
 * mean, mapped back onto the sphere. A single view is returned as it is.
 */
export function meanOfViews(views: readonly Float32Array[], dim: number, scale: number): Float32Array {
  if (views.length === 1) return views[0];
  const sum = new Float32Array(views[0].length);
  for (const v of views) for (let i = 0; i < v.length; i++) sum[i] += v[i];
  if (scale) return normaliseRows(sum, dim, scale);
  for (let i = 0; i < sum.length; i++) sum[i] /= views.length;
  return sum;
}
