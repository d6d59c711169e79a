/**
 * Exports a trained tfjs layers encoder to ONNX, including the embedding-space mapping
 * (L2 normalisation × radius, as toEmbeddingSpace does), so ONNX Runtime returns exactly the
 * vectors the index was built from.
 *
 * Written by hand because no JavaScript library converts tfjs models to ONNX (tf2onnx and friends
 * are Python and need a TensorFlow SavedModel); the encoders use a handful of layer types, so a
 * direct translation is small and keeps the export in this Node toolchain.
 */
import type * as tf from '@tensorflow/tfjs';

import { convertLayers, SUPPORTED_LAYERS } from './convert-layers.js';
import type { Layer } from './layer-converters.js';
import { type Dim, GraphBuilder } from './onnx-builder.js';

export { SUPPORTED_LAYERS };

export interface OnnxExportOptions {
  /** Radius of the embedding sphere (toEmbeddingSpace's scale); 0 exports the raw output. */
  embeddingScale: number;
  /** Name of the graph input (default "input"); the output is always "embedding". */
  inputName?: string;
  /** ONNX opset; 13 or later (ReduceSum takes its axes as an input from 13 on). */
  opset?: number;
}

/** Matches the epsilon toEmbeddingSpace adds under the square root. */
const NORM_EPSILON = 1e-12;
export const OUTPUT_NAME = 'embedding';

/** Appends x · scale / sqrt(Σx² + 1e-12), the same formula as toEmbeddingSpace, on a [N, dim] tensor. */
export function appendEmbeddingSpace(g: GraphBuilder, x: string, scale: number): string {
  const sq = g.op('Mul', [x, x], {}, 'sq');
  const sum = g.op('ReduceSum', [sq, g.int64Const('norm_axes', [1])], { keepdims: 1 }, 'sq_sum');
  const norm = g.op('Sqrt', [g.op('Add', [sum, g.floatConst('norm_eps', [], [NORM_EPSILON])], {}, 'sq_sum_eps')], {}, 'norm');
  const unit = g.op('Div', [x, norm], {}, 'unit');
  return g.op('Mul', [unit, g.floatConst('embedding_scale', [], [scale])], {}, 'scaled');
}

export function exportToOnnx(model: tf.LayersModel, options: OnnxExportOptions): Uint8Array {
  const opset = options.opset ?? 13;
  if (opset < 13) throw new Error(`ONNX opset ${opset} is not supported; use 13 or later`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`Cannot export model "${model.name}" to ONNX: it has ${model.inputs.length} inputs and ${model.outputs.length} outputs (only 1 and 1)`);
  }
  const inputShape = model.inputs[0].shape;
  if (inputShape.length !== 2 && inputShape.length !== 4) throw new Error(`Cannot export model "${model.name}": rank-${inputShape.length} input (only [N, features] or [N, H, W, C])`);
  const g = new GraphBuilder();
  if (options.inputName === OUTPUT_NAME) throw new Error(`The ONNX input cannot be named "${OUTPUT_NAME}": that is the output's name`);
  const inputName = g.name(options.inputName ?? 'input');
  g.name(OUTPUT_NAME); // reserved for the final Identity

  // Images enter NHWC as tfjs takes them and are moved to NCHW once for the rest of the graph.
  const start =
    inputShape.length === 4 ? { name: g.op('Transpose', [inputName], { perm: [0, 3, 1, 2] }, 'input_nchw'), rank: 4 } : { name: inputName, rank: 2 };
  const outputLayer = model.outputs[0].sourceLayer as Layer;
  let out = convertLayers(g, model, start, [outputLayer]).get(outputLayer)!;
  if (out.rank !== 2) throw new Error(`Cannot export model "${model.name}": the output is rank ${out.rank}, expected [N, dim]`);
  if (options.embeddingScale) out = { name: appendEmbeddingSpace(g, out.name, options.embeddingScale), rank: 2 };
  // Identity gives the output a stable name whatever the last op was.
  g.opTo('Identity', [out.name], OUTPUT_NAME);
  const outShape: Dim[] = ['N', model.outputs[0].shape[1] as number];
  const inShape: Dim[] = ['N', ...(inputShape.slice(1) as number[])];
  return g.encode({ graphName: model.name, input: { name: inputName, shape: inShape }, output: { name: OUTPUT_NAME, shape: outShape }, opset });
}
