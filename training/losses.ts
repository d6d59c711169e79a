/**
 * Metric-learning losses over Euclidean distances between embeddings.
 * All return a scalar tensor; callers run them inside `optimizer.minimize`.
 */
import * as tf from '@tensorflow/tfjs';

/** Keeps sqrt differentiable at 0 (identical embeddings would otherwise give NaN gradients). */
const EPS = 1e-12;

/** Row-wise Euclidean distance between two [N, D] tensors → [N]. */
export function pairDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(a, b)), 1), EPS))) as tf.Tensor1D;
}

/** All pairwise Euclidean distances of the rows of an [N, D] tensor → [N, N]. */
export function pairwiseDistances(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true); // [N,1]
    const dot = tf.matMul(x, x, false, true); // [N,N]
    const d2 = tf.relu(tf.add(tf.sub(sq, tf.mul(2, dot)), tf.transpose(sq)));
    return tf.sqrt(tf.add(d2, EPS));
  }) as tf.Tensor2D;
}

/** The reference's triplet loss: mean over triplets of max(0, D(A,P) − D(A,N) + margin). */
export function tripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, margin: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.relu(tf.add(tf.sub(pairDistance(anchor, positive), pairDistance(anchor, negative)), margin)))) as tf.Scalar;
}

/**
 * Contrastive loss on pairs, with the reference's label convention: 0 = same artist (pulled
 * together), 1 = different artists (pushed apart until at least `margin`):
 * mean((1 − y)·D² + y·max(0, margin − D)²).
 */
export function contrastiveLoss(a: tf.Tensor2D, b: tf.Tensor2D, label: tf.Tensor1D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const d = pairDistance(a, b);
    const pull = tf.mul(tf.sub(1, label), tf.square(d));
    const push = tf.mul(label, tf.square(tf.relu(tf.sub(margin, d))));
    return tf.mean(tf.add(pull, push));
  }) as tf.Scalar;
}

function labelMasks(labels: Int32Array): { positive: tf.Tensor2D; negative: tf.Tensor2D } {
  const n = labels.length;
  const pos = new Float32Array(n * n);
  const neg = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same = labels[i] === labels[j];
      pos[i * n + j] = same && i !== j ? 1 : 0;
      neg[i * n + j] = same ? 0 : 1;
    }
  }
  return { positive: tf.tensor2d(pos, [n, n]), negative: tf.tensor2d(neg, [n, n]) };
}

/**
 * Batch-hard triplet loss (Hermans et al. 2017) over a P×K batch: for each anchor, its farthest
 * positive and its nearest negative.
 */
export function batchHardTripletLoss(embeddings: tf.Tensor2D, labels: Int32Array, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const d = pairwiseDistances(embeddings);
    const { positive, negative } = labelMasks(labels);
    const hardestPositive = tf.max(tf.mul(d, positive), 1);
    // Push same-artist entries beyond any real distance so min() picks a true negative.
    const big = tf.add(tf.max(d), 1);
    const hardestNegative = tf.min(tf.add(d, tf.mul(tf.sub(1, negative), big)), 1);
    return tf.mean(tf.relu(tf.add(tf.sub(hardestPositive, hardestNegative), margin)));
  }) as tf.Scalar;
}

/**
 * Batch-all triplet loss over a P×K batch: every valid (anchor, positive, negative) triplet,
 * averaged over the triplets that still violate the margin (so easy triplets don't dilute it).
 */
export function batchAllTripletLoss(embeddings: tf.Tensor2D, labels: Int32Array, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const n = labels.length;
    const d = pairwiseDistances(embeddings);
    const { positive, negative } = labelMasks(labels);
    // loss[a,p,n] = d[a,p] − d[a,n] + margin, valid where p is a positive and n a negative of a.
    const ap = tf.reshape(d, [n, n, 1]);
    const an = tf.reshape(d, [n, 1, n]);
    const valid = tf.mul(tf.reshape(positive, [n, n, 1]), tf.reshape(negative, [n, 1, n]));
    const losses = tf.mul(tf.relu(tf.add(tf.sub(ap, an), margin)), valid);
    // step() has a zero gradient, so the count of active triplets acts as a constant.
    const active = tf.sum(tf.step(tf.sub(losses, 1e-16)));
    return tf.div(tf.sum(losses), tf.maximum(active, 1));
  }) as tf.Scalar;
}
