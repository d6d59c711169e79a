/**
 * Exports a pretrained-preset model — frozen MobileNetV2, the style statistics of its
 * intermediate layers, the per-block feature transform and the trained head — as ONE ONNX graph
 * from pixels to embedding. It computes what BackboneFeaturizer + applyFeatureTransform + the head
 * compute in tfjs, op for op, so the server and the index need neither tfjs nor the feature cache.
 *
 * Input "pixels": [N, 224, 224, 3] float32 RGB in 0..255, as decodeSquareRgb produces them.
 */
import type * as tf from '@tensorflow/tfjs';

import { blockPrefix, type BackboneSpec } from '../backbone/features.js';
import { projectedChannels, seededProjection, styleDims, upperTriangleIndices } from '../backbone/style-features.js';
import type { FeatureTransform } from '../encoders/feature-transform.js';
import { convertLayers } from './convert-layers.js';
import { appendEmbeddingSpace, OUTPUT_NAME } from './export-encoder.js';
import type { Layer } from './layer-converters.js';
import { GraphBuilder } from './onnx-builder.js';

export interface HeadPipelineParts {
  /** The full Keras MobileNetV2 (its layers are looked up by name). */
  backbone: tf.LayersModel;
  spec: BackboneSpec;
  transform: FeatureTransform;
  head: tf.LayersModel;
  embeddingScale: number;
  inputSize: number;
}

export const PIXELS_INPUT = 'pixels';
/** Same epsilons as StyleStatisticsComputer and normaliseBlocks. */
const STD_EPSILON = 1e-8;
const BLOCK_EPSILON = 1e-12;

function layerNamed(model: tf.LayersModel, name: string): Layer {
  const l = model.layers.find((x) => x.name === name);
  if (!l) throw new Error(`Cannot export the backbone: it has no layer "${name}"`);
  return l;
}

/** Sign(v)·sqrt(|v|), as signedSqrt does. */
function signedSqrt(g: GraphBuilder, v: string, base: string): string {
  return g.op('Mul', [g.op('Sign', [v], {}, `${base}_sign`), g.op('Sqrt', [g.op('Abs', [v], {}, `${base}_abs`)], {}, `${base}_sqrt`)], {}, base);
}

/** Channel means, stds and the projected Gram triangle of an NCHW activation, each [N, ·]. */
function styleStatistics(g: GraphBuilder, act: string, channels: number, spatial: number, spec: BackboneSpec, prefix: string): Record<'mean' | 'std' | 'gram', string> {
  const k = projectedChannels(channels, spec.style);
  const x = g.op('Reshape', [act, g.int64Const(`${prefix}_shape`, [0, channels, spatial])], {}, `${prefix}_flat`); // [N, C, HW]
  const mean = g.op('ReduceMean', [x], { axes: [2], keepdims: 0 }, `${prefix}_mean_raw`);
  const meanSq = g.op('ReduceMean', [g.op('Mul', [x, x], {}, `${prefix}_sq`)], { axes: [2], keepdims: 0 }, `${prefix}_mean_sq`);
  const variance = g.op('Relu', [g.op('Sub', [meanSq, g.op('Mul', [mean, mean], {}, `${prefix}_mean2`)], {}, `${prefix}_var_raw`)], {}, `${prefix}_var`);
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

export function exportHeadPipelineToOnnx(parts: HeadPipelineParts, opts: { opset?: number } = {}): Uint8Array {
  const { backbone, spec, transform, head, embeddingScale, inputSize } = parts;
  const opset = opts.opset ?? 13;
  const g = new GraphBuilder();
  const input = g.name(PIXELS_INPUT);
  g.name(OUTPUT_NAME);

  // The Keras MobileNetV2 weights expect [-1, 1]; tfjs receives NHWC, ONNX convolves NCHW.
  const scaled = g.op('Sub', [g.op('Div', [input, g.floatConst('px_scale', [], [127.5])], {}, 'px_div'), g.floatConst('px_one', [], [1])], {}, 'px_unit');
  const nchw = { name: g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] }, 'px_nchw'), rank: 4 };
  const outLayer = layerNamed(backbone, 'out_relu');
  const taps = spec.styleLayers.map((n) => layerNamed(backbone, n));
  const converted = convertLayers(g, backbone, nchw, [outLayer, ...taps]);

  // Raw feature blocks by name, in BackboneFeaturizer's naming.
  const blocks = new Map<string, { name: string; dim: number }>();
  const outChannels = (outLayer.outputShape as number[])[3];
  blocks.set('pooled', { name: g.op('ReduceMean', [converted.get(outLayer)!.name], { axes: [2, 3], keepdims: 0 }, 'pooled'), dim: outChannels });
  spec.styleLayers.forEach((layerName, i) => {
    const [, h, w, c] = taps[i].outputShape as number[];
    const p = blockPrefix(layerName);
    const stats = styleStatistics(g, converted.get(taps[i])!.name, c, h * w, spec, p);
    const dims = styleDims(c, spec.style);
    blocks.set(`${p}.mean`, { name: stats.mean, dim: dims.mean });
    blocks.set(`${p}.std`, { name: stats.std, dim: dims.std });
    blocks.set(`${p}.gram`, { name: stats.gram, dim: dims.gram });
  });

  // applyFeatureTransform: each used block L2-normalised and scaled by 1/√(blocks), concatenated, centred.
  const scale = 1 / Math.sqrt(transform.use.length);
  const normalised = transform.use.map((name) => {
    const b = blocks.get(name);
    const declared = transform.blocks.find((x) => x.name === name);
    if (!b || !declared) throw new Error(`Cannot export: feature block "${name}" is not produced by the backbone`);
    if (declared.dim !== b.dim) throw new Error(`Cannot export: feature block "${name}" has ${b.dim} values, the model was trained on ${declared.dim}`);
    const sum = g.op('ReduceSum', [g.op('Mul', [b.name, b.name], {}, `${name}_sq`), g.int64Const(`${name}_axes`, [1])], { keepdims: 1 }, `${name}_ss`);
    const norm = g.op('Sqrt', [g.op('Add', [sum, g.floatConst(`${name}_eps`, [], [BLOCK_EPSILON])], {}, `${name}_ss_eps`)], {}, `${name}_norm`);
    return g.op('Mul', [g.op('Div', [b.name, norm], {}, `${name}_unit`), g.floatConst(`${name}_scale`, [], [scale])], {}, `${name}_n`);
  });
  let features = normalised.length === 1 ? normalised[0] : g.op('Concat', normalised, { axis: 1 }, 'features');
  if (transform.mean) features = g.op('Sub', [features, g.floatConst('feature_mean', [transform.mean.length], transform.mean)], {}, 'features_c');

  const headOut = head.outputs[0].sourceLayer as Layer;
  let out = convertLayers(g, head, { name: features, rank: 2 }, [headOut]).get(headOut)!;
  if (embeddingScale) out = { name: appendEmbeddingSpace(g, out.name, embeddingScale), rank: 2 };
  g.opTo('Identity', [out.name], OUTPUT_NAME);
  return g.encode({
    graphName: `${spec.variant}-style-head`,
    input: { name: input, shape: ['N', inputSize, inputSize, 3] },
    output: { name: OUTPUT_NAME, shape: ['N', head.outputs[0].shape[1] as number] },
    opset,
  });
}
