/**
 * Folds an inference-mode BatchNormalization into the convolution (or dense layer) before it:
 * y = gamma·(W·x + b − mean)/sqrt(var + eps) + beta  ⇒  W' = W·s, b' = (b − mean)·s + beta, with
 * s = gamma/sqrt(var + eps). Folding keeps the ONNX graph to one op per block and matches what
 * tfjs computes at predict() time (moving statistics, never batch statistics).
 */

export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/**
 * `kernel` is laid out with the output channel as its last (fastest) axis, as tfjs stores Conv2D
 * ([kh, kw, in, out]) and Dense ([in, out]) kernels; `bias` may be null (useBias: false).
 */
export function foldBatchNorm(
  kernel: Float32Array,
  bias: Float32Array | null,
  bn: BatchNormParams,
): { kernel: Float32Array; bias: Float32Array } {
  const channels = bn.mean.length;
  if (kernel.length % channels !== 0) throw new Error(`Cannot fold BatchNorm of ${channels} channels into a kernel of ${kernel.length} values`);
  // Double precision for the scale keeps the folded weights within float32 rounding of tfjs's own result.
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scale[c] = bn.gamma[c] / Math.sqrt(bn.variance[c] + bn.epsilon);
  const folded = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) folded[i] = kernel[i] * scale[i % channels];
  const newBias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) newBias[c] = ((bias ? bias[c] : 0) - bn.mean[c]) * scale[c] + bn.beta[c];
  return { kernel: folded, bias: newBias };
}
