/**
 * Gradient of FusedBatchNorm (y = (x - mean) · rsqrt(variance + eps) · scale + offset) with
 * respect to every input, using broadcasting and per-channel reductions. The stock gradient tiles
 * rsqrt(variance) to the full activation shape and repeats full-size products per input, which
 * takes 10-15× longer on wasm (bench/kernels.ts). tfjs-layers feeds mean/variance from
 * tf.moments(x), so the mean and variance gradients matter as much as the x gradient.
 */
import * as tf from '@tensorflow/tfjs';

/** Sums `t` over the axes it was broadcast along so that it has `shape` again. */
function reduceTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
  const summed = axes.length > 0 ? tf.sum(t, axes) : t;
  return tf.reshape(summed, shape);
}

export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  // Same saved inputs as the stock gradient. Offset is not saved (it may be absent, and saving an
  // absent input fails); like the stock gradient, its shape is taken to be the statistics' shape.
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const dyT = Array.isArray(dy) ? dy[0] : dy;
    const [x, mean, variance, scale] = saved;
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const bc = tf.broadcast_util.assertAndGetBroadcastShape;
    const paramShape = bc(bc(mean.shape, variance.shape), scale == null ? [] : scale.shape);

    // Parameter-shaped factors: tiny, computed once and shared by the closures below.
    const invStd = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const gain = scale == null ? invStd : tf.mul(invStd, scale);
    // Σ dy and Σ dy·(x - mean) over the broadcast axes feed the mean, variance, scale and offset
    // gradients. Closures run in their own tidy scopes and cannot share tensors they create, so
    // these four full-size passes are done once here.
    const sumDy = reduceTo(dyT, paramShape);
    const sumDyCentered = reduceTo(tf.mul(dyT, tf.sub(x, mean)), paramShape);

    return {
      x: () => tf.mul(dyT, gain),
      // ∂y/∂mean = -scale · invStd.
      mean: () => reduceTo(tf.neg(tf.mul(sumDy, gain)), mean.shape),
      // ∂y/∂variance = -½ · (x - mean) · scale · invStd³.
      variance: () => reduceTo(tf.mul(sumDyCentered, tf.mul(tf.mul(gain, tf.square(invStd)), -0.5)), variance.shape),
      scale: () => reduceTo(tf.mul(sumDyCentered, invStd), scale!.shape),
      offset: () => reduceTo(sumDy, mean.shape),
    };
  },
};
