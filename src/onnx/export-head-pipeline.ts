/**
 * Exports a pretrained-preset model — its frozen backbone or backbones (MobileNetV2, InceptionV3,
 * both side by side for a combined spec), the style statistics of their intermediate layers, the
 * per-block feature transform and the trained head — as ONE ONNX graph from pixels to embedding.
 * It computes what BackboneFeaturizer + applyFeatureTransform + the head compute in tfjs, op for
 * op, so the server and the index need neither tfjs nor the feature cache.
 *
 * Input "pixels": [N, inputSize, inputSize, 3] float32 RGB in 0..255, as decodeSquareRgb produces
 * them; every backbone reads the same pixels at that size (InceptionV3 takes 224 px as well as 299).
 */
import type * as tf from '@tensorflow/tfjs';

import { backbonesOf, isCombined, type FeatureSpec } from '../backbone/spec.js';
import { blockScale, frozenBlocks, type FeatureTransform } from '../encoders/feature-transform.js';
import { ACTIVATION_INPUT } from '../encoders/fine-tune.js';
import { convertLayers, layerNamed } from './convert-layers.js';
import { appendBackboneBlocks, appendFeatureBlocks, PIXELS_INPUT } from './export-backbone-features.js';
import { appendEmbeddingSpace, OUTPUT_NAME } from './export-encoder.js';
import type { Layer } from './layer-converters.js';
import { GraphBuilder } from './onnx-builder.js';

export { PIXELS_INPUT };

export interface HeadPipelineParts {
  /** The Keras backbone, or one per backbone of a combined spec in its order, each built for inputSize (layers are looked up by name). */
  backbone: tf.LayersModel | tf.LayersModel[];
  spec: FeatureSpec;
  transform: FeatureTransform;
  head: tf.LayersModel;
  embeddingScale: number;
  inputSize: number;
  /**
   * Embed each painting as the mean of its own and its mirror image's embeddings (the embedding
   * views [base, mirror]); the graph mirrors the pixels itself, so its input is unchanged.
   */
  mirrored?: boolean;
}

/** Same epsilon as normaliseBlocks. */
const BLOCK_EPSILON = 1e-12;

export interface FineTunedPipelineParts extends HeadPipelineParts {
  /** The cut: the backbone's layer whose activation the fine-tuned model's first input reads. */
  from: string;
}

/** The batch followed by each image's mirror image (width reversed): [2N, H, W, 3]. */
function appendMirrorImages(g: GraphBuilder, pixels: string): string {
  const mirrored = g.op(
    'Slice',
    [pixels, g.int64Const('mirror_starts', [-1]), g.int64Const('mirror_ends', [-(2 ** 31)]), g.int64Const('mirror_axes', [2]), g.int64Const('mirror_steps', [-1])],
    {},
    'mirrored_pixels',
  );
  return g.op('Concat', [pixels, mirrored], { axis: 0 }, 'pixels_and_mirrored');
}

/** Rows i and N + i (a painting and its mirror image) averaged, back on the sphere as meanOfViews does. */
function appendMirrorMean(g: GraphBuilder, embeddings: string, dim: number, scale: number): string {
  const pairs = g.op('Reshape', [embeddings, g.int64Const('mirror_pairs_shape', [2, -1, dim])], {}, 'mirror_pairs');
  const mean = g.op('ReduceMean', [pairs], { axes: [0], keepdims: 0 }, 'mirror_mean');
  return scale ? appendEmbeddingSpace(g, mean, scale) : mean;
}

/** The output: the embedding, averaged over the mirror pair when the batch carries one. */
function appendOutput(g: GraphBuilder, out: string, parts: HeadPipelineParts): void {
  const dim = parts.head.outputs[0].shape[1] as number;
  g.opTo('Identity', [parts.mirrored ? appendMirrorMean(g, out, dim, parts.embeddingScale) : out], OUTPUT_NAME);
}

/** applyFeatureTransform: each frozen block L2-normalised and scaled by 1/√(blocks), concatenated, centred. */
function appendTransform(g: GraphBuilder, blocks: Map<string, { name: string; dim: number }>, transform: FeatureTransform): string {
  const scale = blockScale(transform);
  const normalised = frozenBlocks(transform).map((name) => {
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
  return features;
}

export function exportHeadPipelineToOnnx(parts: HeadPipelineParts, opts: { opset?: number } = {}): Uint8Array {
  const { backbone, spec, transform, head, embeddingScale, inputSize } = parts;
  const opset = opts.opset ?? 13;
  const g = new GraphBuilder();
  const input = g.name(PIXELS_INPUT);
  g.name(OUTPUT_NAME);
  const pixels = parts.mirrored ? appendMirrorImages(g, input) : input;

  const blocks = appendFeatureBlocks(g, Array.isArray(backbone) ? backbone : [backbone], spec, pixels, inputSize);
  const features = appendTransform(g, blocks, transform);

  const headOut = head.outputs[0].sourceLayer as Layer;
  let out = convertLayers(g, head, { name: features, rank: 2 }, [headOut]).get(headOut)!;
  if (embeddingScale) out = { name: appendEmbeddingSpace(g, out.name, embeddingScale), rank: 2 };
  appendOutput(g, out.name, parts);
  return g.encode({
    graphName: `${backbonesOf(spec).map((b) => b.variant).join('+')}-style-head`,
    input: { name: input, shape: ['N', inputSize, inputSize, 3] },
    output: { name: OUTPUT_NAME, shape: ['N', head.outputs[0].shape[1] as number] },
    opset,
  });
}

/**
 * A model that fine-tuned the backbone above a cut: the frozen backbone up to the cut and its
 * style taps, then the fine-tuned layers from the cut's activation to the normalised pooled
 * block, then [pooled', frozen blocks transformed] through the head.
 */
export function exportFineTunedPipelineToOnnx(parts: FineTunedPipelineParts, opts: { opset?: number } = {}): Uint8Array {
  const { spec, transform, head, embeddingScale, inputSize, from } = parts;
  const backbone = Array.isArray(parts.backbone) ? parts.backbone : [parts.backbone];
  if (isCombined(spec) || backbone.length !== 1) throw new Error('Cannot export: a fine-tuned model reads one backbone');
  const g = new GraphBuilder();
  const input = g.name(PIXELS_INPUT);
  g.name(OUTPUT_NAME);
  const pixels = parts.mirrored ? appendMirrorImages(g, input) : input;

  const blocks = appendBackboneBlocks(g, backbone[0], { ...spec, activations: [from] }, pixels, inputSize, { pooled: false });
  const cut = blocks.activations!.get(from)!;
  const pooledNorm = layerNamed(head, 'pooled_norm');
  const top = convertLayers(g, head, null, [pooledNorm], new Map([[layerNamed(head, ACTIVATION_INPUT), cut]]));
  const frozen = appendTransform(g, blocks, transform);
  const joined = g.op('Concat', [top.get(pooledNorm)!.name, frozen], { axis: 1 }, 'head_input');
  const dense = head.outputs[0].sourceLayer as Layer;
  let out = convertLayers(g, head, null, [dense], new Map([[layerNamed(head, 'head_input'), { name: joined, rank: 2 }]])).get(dense)!;
  if (embeddingScale) out = { name: appendEmbeddingSpace(g, out.name, embeddingScale), rank: 2 };
  appendOutput(g, out.name, parts);
  return g.encode({
    graphName: `${spec.variant}-fine-tuned-head`,
    input: { name: input, shape: ['N', inputSize, inputSize, 3] },
    output: { name: OUTPUT_NAME, shape: ['N', head.outputs[0].shape[1] as number] },
    opset: opts.opset ?? 13,
  });
}
