/**
 * Translations of single tfjs layers into ONNX nodes. Image tensors are kept NCHW throughout the
 * graph (ONNX's Conv/MaxPool layout); tfjs works NHWC, so kernels are transposed here and the
 * exporter transposes the input once at the start.
 */
import type * as tf from '@tensorflow/tfjs';

import { type BatchNormParams, foldBatchNorm } from './fold-batch-norm.js';
import type { GraphBuilder } from './onnx-builder.js';

export type Layer = tf.LayersModel['layers'][number];

/** A graph tensor: its name and rank (rank-4 tensors are NCHW). */
export interface GraphTensor {
  name: string;
  rank: number;
}

type Config = Record<string, unknown>;

export function config(layer: Layer): Config {
  return layer.getConfig() as Config;
}

function weights(layer: Layer): Float32Array[] {
  // Copies: dataSync may hand back the backend's own storage.
  return layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

function pair(v: unknown, fallback: number): [number, number] {
  if (v == null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a[1] ?? a[0]];
}

function unsupported(layer: Layer, why: string): Error {
  return new Error(`Cannot export layer "${layer.name}" (${layer.getClassName()}) to ONNX: ${why}`);
}

function requireChannelsLast(layer: Layer, c: Config): void {
  if (c.dataFormat != null && c.dataFormat !== 'channelsLast') throw unsupported(layer, `dataFormat ${String(c.dataFormat)} (only channelsLast)`);
}

function autoPad(layer: Layer, padding: unknown): string {
  // TF's 'same' puts the odd extra pixel after, which is ONNX's SAME_UPPER.
  if (padding === 'same') return 'SAME_UPPER';
  if (padding === 'valid' || padding == null) return 'VALID';
  throw unsupported(layer, `padding ${String(padding)}`);
}

/** Applies a tfjs activation (by its serialised name) after `x`. */
export function activation(g: GraphBuilder, layer: Layer, name: unknown, x: GraphTensor): GraphTensor {
  const act = name == null ? 'linear' : String(name);
  const base = `${layer.name}_${act}`;
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return { name: g.op('Relu', [x.name], {}, base), rank: x.rank };
    case 'relu6':
      return { name: g.op('Clip', [x.name, g.floatConst(`${base}_min`, [], [0]), g.floatConst(`${base}_max`, [], [6])], {}, base), rank: x.rank };
    case 'sigmoid':
      return { name: g.op('Sigmoid', [x.name], {}, base), rank: x.rank };
    case 'tanh':
      return { name: g.op('Tanh', [x.name], {}, base), rank: x.rank };
    case 'elu':
      return { name: g.op('Elu', [x.name], { alpha: { float: 1 } }, base), rank: x.rank };
    case 'softmax':
      // tfjs softmaxes the last (channel) axis, which is axis 1 once images are NCHW.
      return { name: g.op('Softmax', [x.name], { axis: x.rank === 4 ? 1 : -1 }, base), rank: x.rank };
    default:
      throw unsupported(layer, `activation ${act}`);
  }
}

export function batchNormParams(layer: Layer): BatchNormParams {
  const c = config(layer);
  const axis = Array.isArray(c.axis) ? (c.axis as number[]) : [c.axis as number];
  const rank = (layer.outputShape as (number | null)[]).length;
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) throw unsupported(layer, `BatchNormalization over axis ${String(c.axis)} (only the channel axis)`);
  const w = weights(layer);
  const channels = w[w.length - 1].length;
  let i = 0;
  const gamma = c.scale === false ? new Float32Array(channels).fill(1) : w[i++];
  const beta = c.center === false ? new Float32Array(channels) : w[i++];
  return { gamma, beta, mean: w[i++], variance: w[i++], epsilon: (c.epsilon as number | undefined) ?? 1e-3 };
}

/** Conv2D (optionally with a following BatchNorm folded in), then its own activation. */
export function conv2d(g: GraphBuilder, layer: Layer, x: GraphTensor, bn: BatchNormParams | null): GraphTensor {
  const c = config(layer);
  requireChannelsLast(layer, c);
  if (x.rank !== 4) throw unsupported(layer, `rank-${x.rank} input`);
  const [kh, kw] = pair(c.kernelSize, 1);
  const w = weights(layer);
  let kernel = w[0];
  let bias: Float32Array | null = c.useBias === false ? null : w[1];
  const cout = c.filters as number;
  const cin = kernel.length / (kh * kw * cout);
  if (bn) ({ kernel, bias } = foldBatchNorm(kernel, bias, bn));
  // tfjs [kh, kw, in, out] → ONNX [out, in, kh, kw]
  const onnxKernel = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let xx = 0; xx < kw; xx++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) onnxKernel[((o * cin + i) * kh + y) * kw + xx] = kernel[((y * kw + xx) * cin + i) * cout + o];
  const inputs = [x.name, g.floatConst(`${layer.name}_W`, [cout, cin, kh, kw], onnxKernel)];
  if (bias) inputs.push(g.floatConst(`${layer.name}_B`, [cout], bias));
  const out = g.op(
    'Conv',
    inputs,
    { kernel_shape: [kh, kw], strides: pair(c.strides, 1), dilations: pair(c.dilationRate, 1), auto_pad: autoPad(layer, c.padding) },
    layer.name,
  );
  return activation(g, layer, c.activation, { name: out, rank: 4 });
}

/** Dense on a [N, features] tensor (optionally with a following BatchNorm folded in), then its activation. */
export function dense(g: GraphBuilder, layer: Layer, x: GraphTensor, bn: BatchNormParams | null): GraphTensor {
  const c = config(layer);
  if (x.rank !== 2) throw unsupported(layer, `Dense on a rank-${x.rank} input (flatten or pool first)`);
  const w = weights(layer);
  let kernel = w[0];
  let bias: Float32Array | null = c.useBias === false ? null : w[1];
  const units = c.units as number;
  if (bn) ({ kernel, bias } = foldBatchNorm(kernel, bias, bn));
  const W = g.floatConst(`${layer.name}_W`, [kernel.length / units, units], kernel);
  const out = bias
    ? g.op('Gemm', [x.name, W, g.floatConst(`${layer.name}_B`, [units], bias)], {}, layer.name)
    : g.op('MatMul', [x.name, W], {}, layer.name);
  return activation(g, layer, c.activation, { name: out, rank: 2 });
}

/** A BatchNormalization that could not be folded into a preceding layer. */
export function batchNorm(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  const p = batchNormParams(layer);
  const n = p.mean.length;
  const inputs = [
    x.name,
    g.floatConst(`${layer.name}_gamma`, [n], p.gamma),
    g.floatConst(`${layer.name}_beta`, [n], p.beta),
    g.floatConst(`${layer.name}_mean`, [n], p.mean),
    g.floatConst(`${layer.name}_var`, [n], p.variance),
  ];
  return { name: g.op('BatchNormalization', inputs, { epsilon: { float: p.epsilon } }, layer.name), rank: x.rank };
}

/**
 * DepthwiseConv2D (optionally with a following BatchNorm folded in) as a grouped Conv, one group
 * per input channel; then its own activation. Output channel c·multiplier + m, as TF orders them.
 */
export function depthwiseConv2d(g: GraphBuilder, layer: Layer, x: GraphTensor, bn: BatchNormParams | null): GraphTensor {
  const c = config(layer);
  requireChannelsLast(layer, c);
  if (x.rank !== 4) throw unsupported(layer, `rank-${x.rank} input`);
  const [kh, kw] = pair(c.kernelSize, 1);
  const mult = (c.depthMultiplier as number | undefined) ?? 1;
  const w = weights(layer);
  let kernel = w[0]; // [kh, kw, cin, mult]: the output channel (cin·mult + m) is the fastest pair of axes
  let bias: Float32Array | null = c.useBias === false ? null : w[1];
  const cin = kernel.length / (kh * kw * mult);
  const cout = cin * mult;
  if (bn) ({ kernel, bias } = foldBatchNorm(kernel, bias, bn));
  // → ONNX [cout, 1, kh, kw] with group = cin
  const onnxKernel = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let xx = 0; xx < kw; xx++)
      for (let o = 0; o < cout; o++) onnxKernel[(o * kh + y) * kw + xx] = kernel[(y * kw + xx) * cout + o];
  const inputs = [x.name, g.floatConst(`${layer.name}_W`, [cout, 1, kh, kw], onnxKernel)];
  if (bias) inputs.push(g.floatConst(`${layer.name}_B`, [cout], bias));
  const out = g.op(
    'Conv',
    inputs,
    { kernel_shape: [kh, kw], strides: pair(c.strides, 1), dilations: pair(c.dilationRate, 1), auto_pad: autoPad(layer, c.padding), group: cin },
    layer.name,
  );
  return activation(g, layer, c.activation, { name: out, rank: 4 });
}

/** ZeroPadding2D: tfjs [[top, bottom], [left, right]] → ONNX Pad over the NCHW spatial axes. */
export function zeroPadding2d(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  const c = config(layer);
  requireChannelsLast(layer, c);
  if (x.rank !== 4) throw unsupported(layer, `rank-${x.rank} input`);
  const p = c.padding;
  const [[top, bottom], [left, right]] =
    typeof p === 'number' ? [[p, p], [p, p]] : (p as (number | number[])[]).map((v) => (typeof v === 'number' ? [v, v] : v)) as number[][];
  const pads = g.int64Const(`${layer.name}_pads`, [0, 0, top, left, 0, 0, bottom, right]);
  return { name: g.op('Pad', [x.name, pads], { mode: 'constant' }, layer.name), rank: 4 };
}

/**
 * Concatenate of several tensors along one axis (Inception's branches along channels). tfjs
 * counts NHWC axes, so an image axis is remapped to NCHW: channels (3 or -1) become 1.
 */
export function concatenate(g: GraphBuilder, layer: Layer, xs: GraphTensor[]): GraphTensor {
  if (xs.length < 2) throw unsupported(layer, `${xs.length} inputs (Concatenate needs two or more)`);
  const rank = xs[0].rank;
  if (xs.some((x) => x.rank !== rank)) throw unsupported(layer, 'inputs of different ranks');
  if (rank !== 2 && rank !== 4) throw unsupported(layer, `rank-${rank} inputs`);
  const raw = (config(layer).axis as number | undefined) ?? -1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis <= 0 || axis >= rank) throw unsupported(layer, `concatenation along axis ${raw}`);
  const onnxAxis = rank === 4 ? [0, 2, 3, 1][axis] : axis;
  return { name: g.op('Concat', xs.map((x) => x.name), { axis: onnxAxis }, layer.name), rank };
}

/** BlockNormalization: x · scale / sqrt(Σx² + 1e-12) over the last axis of a [N, dim] tensor. */
export function blockNormalization(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  if (x.rank !== 2) throw unsupported(layer, `rank-${x.rank} input (only [N, dim])`);
  const scale = config(layer).scale as number;
  const sum = g.op('ReduceSum', [g.op('Mul', [x.name, x.name], {}, `${layer.name}_sq`), g.int64Const(`${layer.name}_axes`, [1])], { keepdims: 1 }, `${layer.name}_ss`);
  const norm = g.op('Sqrt', [g.op('Add', [sum, g.floatConst(`${layer.name}_eps`, [], [1e-12])], {}, `${layer.name}_ss_eps`)], {}, `${layer.name}_norm`);
  const unit = g.op('Div', [x.name, norm], {}, `${layer.name}_unit`);
  return { name: g.op('Mul', [unit, g.floatConst(`${layer.name}_scale`, [], [scale])], {}, layer.name), rank: 2 };
}

/** Add of several same-shaped tensors (residual connections). */
export function add(g: GraphBuilder, layer: Layer, xs: GraphTensor[]): GraphTensor {
  if (xs.length < 2) throw unsupported(layer, `${xs.length} inputs (Add needs two or more)`);
  if (xs.some((x) => x.rank !== xs[0].rank)) throw unsupported(layer, 'inputs of different ranks');
  return { name: g.op('Sum', xs.map((x) => x.name), {}, layer.name), rank: xs[0].rank };
}

export function pool2d(g: GraphBuilder, layer: Layer, x: GraphTensor, kind: 'MaxPool' | 'AveragePool'): GraphTensor {
  const c = config(layer);
  requireChannelsLast(layer, c);
  if (x.rank !== 4) throw unsupported(layer, `rank-${x.rank} input`);
  const size = pair(c.poolSize, 2);
  const attrs: Record<string, number | number[] | string> = {
    kernel_shape: size,
    strides: c.strides == null ? size : pair(c.strides, 1),
    auto_pad: autoPad(layer, c.padding),
  };
  // TF averages over the valid pixels only at 'same' borders.
  if (kind === 'AveragePool') attrs.count_include_pad = 0;
  return { name: g.op(kind, [x.name], attrs, layer.name), rank: 4 };
}

export function globalPool2d(g: GraphBuilder, layer: Layer, x: GraphTensor, kind: 'GlobalAveragePool' | 'GlobalMaxPool'): GraphTensor {
  const c = config(layer);
  requireChannelsLast(layer, c);
  if (x.rank !== 4) throw unsupported(layer, `rank-${x.rank} input`);
  if (c.keepDims === true) throw unsupported(layer, 'keepDims');
  const pooled = g.op(kind, [x.name], {}, layer.name); // [N, C, 1, 1]
  return { name: g.op('Flatten', [pooled], { axis: 1 }, `${layer.name}_flat`), rank: 2 };
}

export function flatten(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  let input = x.name;
  // tfjs flattens NHWC (channels fastest); go back to that order so a following Dense lines up.
  if (x.rank === 4) input = g.op('Transpose', [input], { perm: [0, 2, 3, 1] }, `${layer.name}_nhwc`);
  else if (x.rank !== 2) throw unsupported(layer, `rank-${x.rank} input`);
  return { name: g.op('Flatten', [input], { axis: 1 }, layer.name), rank: 2 };
}

export function reLU(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  const c = config(layer);
  if (c.maxValue == null) return { name: g.op('Relu', [x.name], {}, layer.name), rank: x.rank };
  const max = c.maxValue as number;
  return {
    name: g.op('Clip', [x.name, g.floatConst(`${layer.name}_min`, [], [0]), g.floatConst(`${layer.name}_max`, [], [max])], {}, layer.name),
    rank: x.rank,
  };
}

export function leakyReLU(g: GraphBuilder, layer: Layer, x: GraphTensor): GraphTensor {
  const alpha = (config(layer).alpha as number | undefined) ?? 0.3;
  return { name: g.op('LeakyRelu', [x.name], { alpha: { float: alpha } }, layer.name), rank: x.rank };
}

export { unsupported };
