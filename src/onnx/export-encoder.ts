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

import {
  activation,
  batchNorm,
  batchNormParams,
  config,
  conv2d,
  dense,
  flatten,
  globalPool2d,
  type GraphTensor,
  type Layer,
  leakyReLU,
  pool2d,
  reLU,
  unsupported,
} from './layer-converters.js';
import { type Dim, GraphBuilder } from './onnx-builder.js';

export interface OnnxExportOptions {
  /** Radius of the embedding sphere (toEmbeddingSpace's scale); 0 exports the raw output. */
  embeddingScale: number;
  /** Name of the graph input (default "input"); the output is always "embedding". */
  inputName?: string;
  /** ONNX opset; 13 or later (ReduceSum takes its axes as an input from 13 on). */
  opset?: number;
}

/** Layer class names exportToOnnx understands. */
export const SUPPORTED_LAYERS = [
  'InputLayer',
  'Conv2D',
  'BatchNormalization',
  'ReLU',
  'LeakyReLU',
  'Activation',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Dense',
  'Dropout',
] as const;

/** Matches the epsilon toEmbeddingSpace adds under the square root. */
const NORM_EPSILON = 1e-12;
const OUTPUT_NAME = 'embedding';

/** The single layer feeding `layer` (these encoders are chains; merges are refused). */
function inboundLayer(layer: Layer): Layer {
  const nodes = layer.inboundNodes;
  if (nodes.length !== 1) throw unsupported(layer, `layer is called ${nodes.length} times (shared layers are not supported)`);
  const inbound = nodes[0].inboundLayers;
  if (inbound.length !== 1) throw unsupported(layer, `${inbound.length} inputs (only single-input layers)`);
  return inbound[0];
}

function isLinear(layer: Layer): boolean {
  const a = config(layer).activation;
  return a == null || a === 'linear';
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

  // From the symbolic tensors: a Sequential fills inputLayers/outputLayers only once built.
  const inputLayer = model.inputs[0].sourceLayer as Layer;
  const layers = model.layers.filter((l) => l !== inputLayer);
  const consumers = new Map<Layer, Layer[]>();
  for (const l of layers) {
    const src = inboundLayer(l);
    consumers.set(src, [...(consumers.get(src) ?? []), l]);
  }

  // Images enter NHWC as tfjs takes them and are moved to NCHW once for the rest of the graph.
  const start: GraphTensor =
    inputShape.length === 4 ? { name: g.op('Transpose', [inputName], { perm: [0, 3, 1, 2] }, 'input_nchw'), rank: 4 } : { name: inputName, rank: 2 };
  const outputs = new Map<Layer, GraphTensor>([[inputLayer, start]]);
  const folded = new Set<Layer>();

  for (const layer of layers) {
    const x = outputs.get(inboundLayer(layer));
    if (!x) throw unsupported(layer, 'its input comes from outside the model');
    if (folded.has(layer)) {
      outputs.set(layer, x);
      continue;
    }
    const kind = layer.getClassName();
    let y: GraphTensor;
    switch (kind) {
      case 'Conv2D':
      case 'Dense': {
        // Fold a BatchNorm that is the sole consumer of a linear Conv2D/Dense into its weights.
        const next = consumers.get(layer) ?? [];
        const bnLayer = next.length === 1 && next[0].getClassName() === 'BatchNormalization' && isLinear(layer) ? next[0] : null;
        const bn = bnLayer ? batchNormParams(bnLayer) : null;
        if (bnLayer) folded.add(bnLayer);
        y = kind === 'Conv2D' ? conv2d(g, layer, x, bn) : dense(g, layer, x, bn);
        break;
      }
      case 'BatchNormalization':
        y = batchNorm(g, layer, x);
        break;
      case 'ReLU':
        y = reLU(g, layer, x);
        break;
      case 'LeakyReLU':
        y = leakyReLU(g, layer, x);
        break;
      case 'Activation':
        y = activation(g, layer, config(layer).activation, x);
        break;
      case 'MaxPooling2D':
        y = pool2d(g, layer, x, 'MaxPool');
        break;
      case 'AveragePooling2D':
        y = pool2d(g, layer, x, 'AveragePool');
        break;
      case 'GlobalAveragePooling2D':
        y = globalPool2d(g, layer, x, 'GlobalAveragePool');
        break;
      case 'GlobalMaxPooling2D':
        y = globalPool2d(g, layer, x, 'GlobalMaxPool');
        break;
      case 'Flatten':
        y = flatten(g, layer, x);
        break;
      case 'Dropout':
        y = x; // inference: identity
        break;
      default:
        throw unsupported(layer, `layer type ${kind} is not supported (supported: ${SUPPORTED_LAYERS.join(', ')})`);
    }
    outputs.set(layer, y);
  }

  const outputLayer = model.outputs[0].sourceLayer as Layer;
  let out = outputs.get(outputLayer);
  if (!out) throw new Error(`Cannot export model "${model.name}": output layer "${outputLayer.name}" was not reached`);
  if (out.rank !== 2) throw new Error(`Cannot export model "${model.name}": the output is rank ${out.rank}, expected [N, dim]`);

  if (options.embeddingScale) {
    // x · scale / sqrt(Σx² + 1e-12), the same formula as toEmbeddingSpace.
    const sq = g.op('Mul', [out.name, out.name], {}, 'sq');
    const sum = g.op('ReduceSum', [sq, g.int64Const('norm_axes', [1])], { keepdims: 1 }, 'sq_sum');
    const norm = g.op('Sqrt', [g.op('Add', [sum, g.floatConst('norm_eps', [], [NORM_EPSILON])], {}, 'sq_sum_eps')], {}, 'norm');
    const unit = g.op('Div', [out.name, norm], {}, 'unit');
    out = { name: g.op('Mul', [unit, g.floatConst('embedding_scale', [], [options.embeddingScale])], {}, 'scaled'), rank: 2 };
  }
  // Identity gives the output a stable name whatever the last op was.
  g.opTo('Identity', [out.name], OUTPUT_NAME);
  const outShape: Dim[] = ['N', model.outputs[0].shape[1] as number];
  const inShape: Dim[] = ['N', ...(inputShape.slice(1) as number[])];
  return g.encode({ graphName: model.name, input: { name: inputName, shape: inShape }, output: { name: OUTPUT_NAME, shape: outShape }, opset });
}
