/**
 * The frozen backbone's feature row as ONNX: pixels → MobileNetV2 → the pooled final activation
 * and the style statistics (channel means, stds, projected Gram triangle, each signed-sqrt
 * normalised) of the tapped intermediate layers — what BackboneFeaturizer computes in tfjs, op for
 * op. Training extracts its cached features with it on ONNX Runtime; the head pipeline appends
 * the feature transform and the trained head to the same blocks.
 *
 * Input "pixels": [N, size, size, 3] float32 RGB in 0..255. The network is fully convolutional,
 * so one set of weights serves every view size that is a multiple of 32.
 */
import type * as tf from '@tensorflow/tfjs';

import { blockPrefix, projectedChannels, seededProjection, styleDims, upperTriangleIndices, type BackboneSpec } from '../backbone/spec.js';
import { convertLayers, layerNamed } from './convert-layers.js';
import type { GraphTensor, Layer } from './layer-converters.js';
import { GraphBuilder } from './onnx-builder.js';

export const PIXELS_INPUT = 'pixels';
export const FEATURES_OUTPUT = 'features';
/** Same epsilon as StyleStatisticsComputer. */
const STD_EPSILON = 1e-8;
/** The Keras MobileNetV2 the nsfwjs bundle holds is built for 224 px; strides scale with the input. */
const BUILT_SIZE = 224;

/** Sign(v)·sqrt(|v|), as signedSqrt does. */
function signedSqrt(g: GraphBuilder, v: string, base: string): string {
  return g.op('Mul', [g.op('Sign', [v], {}, `${base}_sign`), g.op('Sqrt', [g.op('Abs', [v], {}, `${base}_abs`)], {}, `${base}_sqrt`)], {}, base);
}

/** Channel means, stds and the projected Gram triangle of an NCHW activation, each [N, ·]. */
function styleStatistics(g: GraphBuilder, act: string, channels: number, spatial: number, spec: BackboneSpec, prefix: string): Record<'mean' | 'std' | 'gram', string> {
  const k = projectedChannels(channels, spec.style);
  const x = g.op('Reshape', [act, g.int64Const(`${prefix}_shape`, [0, channels, spatial])], {}, `${prefix}_flat`); // [N, C, HW]
  const mean = g.op('ReduceMean', [x], { axes: [2], keepdims: 0 }, `${prefix}_mean_raw`);
  let variance: string;
  if (spec.style.twoPassVariance) {
    const centred = g.op('Sub', [x, g.op('Unsqueeze', [mean, g.int64Const(`${prefix}_mean_axis`, [2])], {}, `${prefix}_mean_k`)], {}, `${prefix}_xc`);
    variance = g.op('ReduceMean', [g.op('Mul', [centred, centred], {}, `${prefix}_xc2`)], { axes: [2], keepdims: 0 }, `${prefix}_var`);
  } else {
    const meanSq = g.op('ReduceMean', [g.op('Mul', [x, x], {}, `${prefix}_sq`)], { axes: [2], keepdims: 0 }, `${prefix}_mean_sq`);
    variance = g.op('Relu', [g.op('Sub', [meanSq, g.op('Mul', [mean, mean], {}, `${prefix}_mean2`)], {}, `${prefix}_var_raw`)], {}, `${prefix}_var`);
  }
  const std = g.op('Sqrt', [g.op('Add', [variance, g.floatConst(`${prefix}_std_eps`, [], [STD_EPSILON])], {}, `${prefix}_var_eps`)], {}, `${prefix}_std_raw`);

  const projection = g.floatConst(`${prefix}_projection`, [channels, k], seededProjection(channels, k, spec.style.seed));
  let z = g.op('MatMul', [g.op('Transpose', [x], { perm: [0, 2, 1] }, `${prefix}_hwc`), projection], {}, `${prefix}_z`); // [N, HW, k]
  if (spec.style.centered) z = g.op('Sub', [z, g.op('ReduceMean', [z], { axes: [1], keepdims: 1 }, `${prefix}_z_mean`)], {}, `${prefix}_z_c`);
  const gram = g.op('Div', [g.op('MatMul', [g.op('Transpose', [z], { perm: [0, 2, 1] }, `${prefix}_zt`), z], {}, `${prefix}_zz`), g.floatConst(`${prefix}_hw`, [], [spatial])], {}, `${prefix}_gram_full`);
  const flat = g.op('Reshape', [gram, g.int64Const(`${prefix}_gram_shape`, [0, k * k])], {}, `${prefix}_gram_flat`);
  const triangle = Array.from(upperTriangleIndices(k));
  const tri = g.op('Gather', [flat, g.int64Const(`${prefix}_triangle`, triangle)], { axis: 1 }, `${prefix}_gram_tri`);
  // √2 on off-diagonal entries, as StyleStatisticsComputer applies.
  const offDiagonal = triangle.map((t) => (Math.floor(t / k) === t % k ? 1 : Math.SQRT2));
  return {
    mean: signedSqrt(g, mean, `${prefix}_mean`),
    std: signedSqrt(g, std, `${prefix}_std`),
    gram: g.op('Mul', [signedSqrt(g, tri, `${prefix}_gram_ss`), g.floatConst(`${prefix}_offdiag`, [triangle.length], offDiagonal)], {}, `${prefix}_gram`),
  };
}

/** One raw feature block in the graph: its tensor name and width. */
export interface GraphBlock {
  name: string;
  dim: number;
}

/**
 * Appends the backbone to `g`, reading NHWC pixels in 0..255 from `pixels`, and returns its raw
 * feature blocks by name, in BackboneFeaturizer's order (pooled, then per layer mean, std, gram,
 * then activations), and the NCHW outputs of the activation layers. `pooled: false` leaves the
 * final activation out (a fine-tuned model computes its own).
 */
export function appendBackboneBlocks(
  g: GraphBuilder,
  backbone: tf.LayersModel,
  spec: BackboneSpec,
  pixels: string,
  inputSize: number,
  opts: { pooled?: boolean } = {},
): Map<string, GraphBlock> & { activations?: Map<string, GraphTensor> } {
  if (inputSize % 32 !== 0) throw new Error(`Cannot export the backbone for ${inputSize} px: the size must be a multiple of 32`);
  // The Keras MobileNetV2 weights expect [-1, 1]; tfjs receives NHWC, ONNX convolves NCHW.
  const scaled = g.op('Sub', [g.op('Div', [pixels, g.floatConst('px_scale', [], [127.5])], {}, 'px_div'), g.floatConst('px_one', [], [1])], {}, 'px_unit');
  const nchw = { name: g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] }, 'px_nchw'), rank: 4 };
  const outLayer = layerNamed(backbone, 'out_relu');
  const taps = spec.styleLayers.map((n) => layerNamed(backbone, n));
  const activations = (spec.activations ?? []).map((n) => layerNamed(backbone, n));
  if (activations.length && inputSize !== BUILT_SIZE) throw new Error(`Cannot export activations for ${inputSize} px: a spec with activations takes ${BUILT_SIZE} px views only`);
  const withPooled = opts.pooled ?? true;
  const converted = convertLayers(g, backbone, nchw, [...(withPooled ? [outLayer] : []), ...taps, ...activations]);

  const blocks: Map<string, GraphBlock> & { activations?: Map<string, GraphTensor> } = new Map<string, GraphBlock>();
  blocks.activations = new Map(activations.map((l) => [l.name, converted.get(l)!]));
  const outChannels = (outLayer.outputShape as number[])[3];
  if (withPooled) blocks.set('pooled', { name: g.op('ReduceMean', [converted.get(outLayer)!.name], { axes: [2, 3], keepdims: 0 }, 'pooled'), dim: outChannels });
  spec.styleLayers.forEach((layerName, i) => {
    const [, h, w, c] = taps[i].outputShape as number[];
    // The layer's stride is fixed; its spatial size follows the input's.
    const spatial = ((h * inputSize) / BUILT_SIZE) * ((w * inputSize) / BUILT_SIZE);
    const p = blockPrefix(layerName);
    const stats = styleStatistics(g, converted.get(taps[i])!.name, c, spatial, spec, p);
    const dims = styleDims(c, spec.style);
    blocks.set(`${p}.mean`, { name: stats.mean, dim: dims.mean });
    blocks.set(`${p}.std`, { name: stats.std, dim: dims.std });
    blocks.set(`${p}.gram`, { name: stats.gram, dim: dims.gram });
  });
  activations.forEach((layer) => {
    // NHWC order, as tfjs flattens its activations.
    const [, h, w, c] = layer.outputShape as number[];
    const nhwc = g.op('Transpose', [converted.get(layer)!.name], { perm: [0, 2, 3, 1] }, `${layer.name}_nhwc`);
    blocks.set(`${layer.name}.act`, { name: g.op('Reshape', [nhwc, g.int64Const(`${layer.name}_act_shape`, [0, h * w * c])], {}, `${layer.name}_act`), dim: h * w * c });
  });
  return blocks;
}

/** The whole raw feature row, [N, dim], as BackboneFeaturizer.featurize returns it. */
export function exportBackboneFeaturesToOnnx(backbone: tf.LayersModel, spec: BackboneSpec, inputSize: number, opts: { opset?: number } = {}): Uint8Array {
  const g = new GraphBuilder();
  const input = g.name(PIXELS_INPUT);
  g.name(FEATURES_OUTPUT);
  const blocks = [...appendBackboneBlocks(g, backbone, spec, input, inputSize).values()];
  const dim = blocks.reduce((n, b) => n + b.dim, 0);
  const row = blocks.length === 1 ? blocks[0].name : g.op('Concat', blocks.map((b) => b.name), { axis: 1 }, 'row');
  g.opTo('Identity', [row], FEATURES_OUTPUT);
  return g.encode({
    graphName: `${spec.variant}-style-features`,
    input: { name: input, shape: ['N', inputSize, inputSize, 3] },
    output: { name: FEATURES_OUTPUT, shape: ['N', dim] },
    opset: opts.opset ?? 13,
  });
}
