/**
 * A frozen backbone's feature row as ONNX: pixels → MobileNetV2 or InceptionV3 → the pooled final
 * activation and the style statistics (channel means, stds, projected Gram triangle, each
 * signed-sqrt normalised) of the tapped intermediate layers — what BackboneFeaturizer computes in
 * tfjs, op for op. Training extracts its cached features with it on ONNX Runtime; the head
 * pipeline appends the feature transform and the trained head to the same blocks, and reads
 * several backbones from one pixel input for a combined spec.
 *
 * Input "pixels": [N, size, size, 3] float32 RGB in 0..255. The networks are fully
 * convolutional: the Keras model passed in is built for `size` (nsfwjsIOHandler's inputSize), so
 * every tapped layer's spatial size is known exactly.
 */
import type * as tf from '@tensorflow/tfjs';

import {
  BACKBONES,
  backbonesOf,
  checkInputSize,
  inputRangeOf,
  isCombined,
  partBlockName,
  projectedChannels,
  seededProjection,
  styleBlockName,
  styleDims,
  upperTriangleIndices,
  validateFeatureSpec,
  type BackboneSpec,
  type FeatureSpec,
} from '../backbone/spec.js';
import { BASE_VIEW } from '../backbone/views.js';
import { convertLayers, layerNamed } from './convert-layers.js';
import type { GraphTensor, Layer } from './layer-converters.js';
import { GraphBuilder } from './onnx-builder.js';

export const PIXELS_INPUT = 'pixels';
export const FEATURES_OUTPUT = 'features';
/** Same epsilon as StyleStatisticsComputer. */
const STD_EPSILON = 1e-8;

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
/** Raw feature blocks by name, and the NCHW outputs of the spec's activation layers. */
export type BackboneBlocks = Map<string, GraphBlock> & { activations?: Map<string, GraphTensor> };

/**
 * Appends one backbone to `g`, reading NHWC pixels in 0..255 from `pixels`, and returns its raw
 * feature blocks by name, in BackboneFeaturizer's order (pooled, then per layer mean, std, gram,
 * then activations), and the NCHW outputs of the activation layers. `backbone` must be built for
 * `inputSize` px. `pooled: false` leaves the final activation out (a fine-tuned model computes
 * its own); `scope` prefixes the names of the nodes it adds beyond the Keras layers' own (two
 * backbones in one graph).
 */
export function appendBackboneBlocks(
  g: GraphBuilder,
  backbone: tf.LayersModel,
  spec: BackboneSpec,
  pixels: string,
  inputSize: number,
  opts: { pooled?: boolean; scope?: string } = {},
): BackboneBlocks {
  checkInputSize(spec.variant, inputSize);
  const built = backbone.inputs[0].shape;
  if (built[1] !== inputSize || built[2] !== inputSize) {
    throw new Error(`Cannot export ${spec.variant} for ${inputSize} px from a model built for ${built[1]}×${built[2]}: load it with nsfwjsIOHandler(variant, { inputSize: ${inputSize} })`);
  }
  // tfjs receives NHWC, ONNX convolves NCHW.
  const px = (base: string) => `${opts.scope ?? ''}${base}`;
  const scaled =
    inputRangeOf(spec) === '[0,1]'
      ? g.op('Div', [pixels, g.floatConst(px('px_scale'), [], [255])], {}, px('px_unit'))
      : g.op('Sub', [g.op('Div', [pixels, g.floatConst(px('px_scale'), [], [127.5])], {}, px('px_div')), g.floatConst(px('px_one'), [], [1])], {}, px('px_unit'));
  const nchw = { name: g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] }, px('px_nchw')), rank: 4 };
  const outLayer = layerNamed(backbone, BACKBONES[spec.variant].pooledLayer);
  const taps = spec.styleLayers.map((n) => layerNamed(backbone, n));
  const activations = (spec.activations ?? []).map((n) => layerNamed(backbone, n));
  if (activations.length && inputSize !== BASE_VIEW.size) throw new Error(`Cannot export activations for ${inputSize} px: a spec with activations takes ${BASE_VIEW.size} px views only`);
  const withPooled = opts.pooled ?? true;
  const converted = convertLayers(g, backbone, nchw, [...(withPooled ? [outLayer] : []), ...taps, ...activations]);

  const blocks: BackboneBlocks = new Map<string, GraphBlock>();
  blocks.activations = new Map(activations.map((l) => [l.name, converted.get(l)!]));
  const outChannels = (outLayer.outputShape as number[])[3];
  if (withPooled) blocks.set('pooled', { name: g.op('ReduceMean', [converted.get(outLayer)!.name], { axes: [2, 3], keepdims: 0 }, px('pooled')), dim: outChannels });
  spec.styleLayers.forEach((layerName, i) => {
    const [, h, w, c] = taps[i].outputShape as number[];
    const p = styleBlockName(spec.variant, layerName);
    const stats = styleStatistics(g, converted.get(taps[i])!.name, c, h * w, spec, px(p));
    const dims = styleDims(c, spec.style);
    blocks.set(`${p}.mean`, { name: stats.mean, dim: dims.mean });
    blocks.set(`${p}.std`, { name: stats.std, dim: dims.std });
    blocks.set(`${p}.gram`, { name: stats.gram, dim: dims.gram });
  });
  activations.forEach((layer) => {
    // NHWC order, as tfjs flattens its activations.
    const [, h, w, c] = layer.outputShape as number[];
    const nhwc = g.op('Transpose', [converted.get(layer)!.name], { perm: [0, 2, 3, 1] }, px(`${layer.name}_nhwc`));
    blocks.set(`${layer.name}.act`, { name: g.op('Reshape', [nhwc, g.int64Const(px(`${layer.name}_act_shape`), [0, h * w * c])], {}, px(`${layer.name}_act`)), dim: h * w * c });
  });
  return blocks;
}

/**
 * Every backbone of `spec` reading the same pixels (`backbones` in the spec's order, each built for
 * `inputSize`): a combined spec's blocks are named `<variant>/<block>`, as its rows are.
 */
export function appendFeatureBlocks(g: GraphBuilder, backbones: tf.LayersModel[], spec: FeatureSpec, pixels: string, inputSize: number): Map<string, GraphBlock> {
  validateFeatureSpec(spec);
  const parts = backbonesOf(spec);
  if (backbones.length !== parts.length) throw new Error(`Cannot export: ${backbones.length} backbone models for ${parts.length} backbones in the spec`);
  if (!isCombined(spec)) return appendBackboneBlocks(g, backbones[0], parts[0], pixels, inputSize);
  const blocks = new Map<string, GraphBlock>();
  parts.forEach((part, i) => {
    for (const [name, b] of appendBackboneBlocks(g, backbones[i], part, pixels, inputSize, { scope: `${part.variant}_` })) blocks.set(partBlockName(part.variant, name), b);
  });
  return blocks;
}

/** One backbone's whole raw feature row, [N, dim], as BackboneFeaturizer.featurize returns it. */
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
