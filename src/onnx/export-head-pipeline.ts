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

import { backbonesOf, type FeatureSpec } from '../backbone/spec.js';
import type { FeatureTransform } from '../encoders/feature-transform.js';
import { convertLayers } from './convert-layers.js';
import { appendFeatureBlocks, PIXELS_INPUT } from './export-backbone-features.js';
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
}

/** Same epsilon as normaliseBlocks. */
const BLOCK_EPSILON = 1e-12;

export function exportHeadPipelineToOnnx(parts: HeadPipelineParts, opts: { opset?: number } = {}): Uint8Array {
  const { backbone, spec, transform, head, embeddingScale, inputSize } = parts;
  const opset = opts.opset ?? 13;
  const g = new GraphBuilder();
  const input = g.name(PIXELS_INPUT);
  g.name(OUTPUT_NAME);

  const blocks = appendFeatureBlocks(g, Array.isArray(backbone) ? backbone : [backbone], spec, input, inputSize);

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
    graphName: `${backbonesOf(spec).map((b) => b.variant).join('+')}-style-head`,
    input: { name: input, shape: ['N', inputSize, inputSize, 3] },
    output: { name: OUTPUT_NAME, shape: ['N', head.outputs[0].shape[1] as number] },
    opset,
  });
}
