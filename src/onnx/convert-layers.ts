/**
 * Translates a tfjs layers model — a chain or a branching graph such as MobileNetV2's residual
 * blocks or InceptionV3's concatenated branches — into ONNX nodes, converting only the layers the
 * requested targets depend on. A BatchNormalization (with or without its scale) that is the sole
 * consumer of a linear convolution or dense layer is folded into that layer's weights.
 */
import type * as tf from '@tensorflow/tfjs';

import {
  activation,
  add,
  batchNorm,
  blockNormalization,
  batchNormParams,
  concatenate,
  config,
  conv2d,
  dense,
  depthwiseConv2d,
  flatten,
  globalPool2d,
  type GraphTensor,
  type Layer,
  leakyReLU,
  pool2d,
  reLU,
  unsupported,
  zeroPadding2d,
} from './layer-converters.js';
import type { GraphBuilder } from './onnx-builder.js';

/** Layer class names the converter understands. */
export const SUPPORTED_LAYERS = [
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNormalization',
  'ReLU',
  'LeakyReLU',
  'Activation',
  'ZeroPadding2D',
  'Add',
  'Concatenate',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Dense',
  'Dropout',
  'BlockNormalization',
] as const;

const FOLDABLE = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);
const MERGES = new Set(['Add', 'Concatenate']);

function inboundLayers(layer: Layer): Layer[] {
  const nodes = layer.inboundNodes;
  if (nodes.length !== 1) throw unsupported(layer, `layer is called ${nodes.length} times (shared layers are not supported)`);
  return nodes[0].inboundLayers;
}

function isLinear(layer: Layer): boolean {
  const a = config(layer).activation;
  return a == null || a === 'linear';
}

/** A model's layer by name; exporting needs it to exist. */
export function layerNamed(model: tf.LayersModel, name: string): Layer {
  const l = model.layers.find((x) => x.name === name);
  if (!l) throw new Error(`Cannot export: model "${model.name}" has no layer "${name}"`);
  return l;
}

/** The model's single input layer (from the symbolic tensor: a Sequential fills inputLayers only once built). */
export function inputLayerOf(model: tf.LayersModel): Layer {
  if (model.inputs.length !== 1) throw new Error(`Cannot export model "${model.name}": it has ${model.inputs.length} inputs (only 1)`);
  return model.inputs[0].sourceLayer as Layer;
}

/**
 * Converts what `targets` need, reading the model input from `input` (NCHW when rank 4).
 * `given` holds layers whose outputs are already in the graph (e.g. the inputs of a model with
 * several, or a branch built by hand): they are read, not converted. Returns each converted
 * layer's output tensor.
 */
export function convertLayers(g: GraphBuilder, model: tf.LayersModel, input: GraphTensor | null, targets: Layer[], given: Map<Layer, GraphTensor> = new Map()): Map<Layer, GraphTensor> {
  const known = new Map(given);
  if (input) known.set(inputLayerOf(model), input);
  const isInput = (l: Layer) => known.has(l) || l.getClassName() === 'InputLayer';
  const needed = new Set<Layer>();
  const stack = [...targets];
  while (stack.length) {
    const l = stack.pop()!;
    if (needed.has(l) || known.has(l)) continue;
    if (l.getClassName() === 'InputLayer') throw unsupported(l, 'a model input that was not given');
    needed.add(l);
    stack.push(...inboundLayers(l));
  }
  const consumers = new Map<Layer, Layer[]>();
  for (const l of model.layers) {
    if (isInput(l)) continue;
    for (const src of inboundLayers(l)) consumers.set(src, [...(consumers.get(src) ?? []), l]);
  }
  const targetSet = new Set(targets);

  const outputs = new Map<Layer, GraphTensor>(known);
  const folded = new Set<Layer>();
  // model.layers is in topological order, so every input is converted before its consumers.
  for (const layer of model.layers) {
    if (!needed.has(layer)) continue;
    const xs = inboundLayers(layer).map((src) => {
      const t = outputs.get(src);
      if (!t) throw unsupported(layer, `its input "${src.name}" comes from outside the model`);
      return t;
    });
    if (folded.has(layer)) {
      outputs.set(layer, xs[0]);
      continue;
    }
    const kind = layer.getClassName();
    if (!MERGES.has(kind) && xs.length !== 1) throw unsupported(layer, `${xs.length} inputs (only Add and Concatenate merge branches)`);
    const x = xs[0];
    let y: GraphTensor;
    switch (kind) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'Dense': {
        const next = consumers.get(layer) ?? [];
        const bnLayer =
          FOLDABLE.has(kind) && next.length === 1 && next[0].getClassName() === 'BatchNormalization' && isLinear(layer) && !targetSet.has(layer) ? next[0] : null;
        const bn = bnLayer ? batchNormParams(bnLayer) : null;
        if (bnLayer) folded.add(bnLayer);
        y = kind === 'Conv2D' ? conv2d(g, layer, x, bn) : kind === 'DepthwiseConv2D' ? depthwiseConv2d(g, layer, x, bn) : dense(g, layer, x, bn);
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
      case 'ZeroPadding2D':
        y = zeroPadding2d(g, layer, x);
        break;
      case 'Add':
        y = add(g, layer, xs);
        break;
      case 'Concatenate':
        y = concatenate(g, layer, xs);
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
      case 'BlockNormalization':
        y = blockNormalization(g, layer, x);
        break;
      default:
        throw unsupported(layer, `layer type ${kind} is not supported (supported: ${SUPPORTED_LAYERS.join(', ')})`);
    }
    outputs.set(layer, y);
  }
  for (const t of targets) if (!outputs.has(t)) throw new Error(`Cannot export model "${model.name}": layer "${t.name}" was not reached`);
  return outputs;
}
