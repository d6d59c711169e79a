/**
 * Fine-tuning the top of the frozen backbone: the layers of MobileNetV2 above a cut (a layer
 * whose output alone feeds everything above it, e.g. `block_15_add`) are rebuilt as trainable
 * layers with their ImageNet weights and their BatchNorms folded in (inference-mode BatchNorm is
 * an affine map, so folding is exact and training never sees batch statistics), and trained with
 * the head. The cut's activations are cached like any feature block (BackboneSpec.activations),
 * so a training step runs only the layers above it.
 *
 * The model has two inputs — the cut activation and the frozen feature blocks (transformed as
 * the feature transform does) — and computes the pooled block itself, normalised as the transform
 * normalises blocks, before the head: [pooled'·s, frozen…] → Dense → embedding.
 */
import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm } from '../onnx/fold-batch-norm.js';
import { batchNormParams } from '../onnx/layer-converters.js';
import { BlockNormalization } from './block-normalization.js';

type Layer = tf.layers.Layer;

export const ACTIVATION_INPUT = 'activation';
export const FEATURES_INPUT = 'features';
/** The last layer the rebuilt top reaches: its global average is the pooled block. */
export const TOP_OUTPUT = 'out_relu';

function inbound(layer: Layer): Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
  if (nodes.length !== 1) throw new Error(`layer ${layer.name} is called ${nodes.length} times`);
  return nodes[0].inboundLayers;
}

function copy(values: tf.Tensor[]): Float32Array[] {
  return values.map((w) => Float32Array.from(w.dataSync()));
}

/** The layers between the cut and `out_relu`, in order, checking that the cut really cuts. */
export function layersAbove(keras: tf.LayersModel, from: string): Layer[] {
  const cut = keras.layers.find((l) => l.name === from);
  const top = keras.layers.find((l) => l.name === TOP_OUTPUT);
  if (!cut || !top) throw new Error(`the backbone has no layer "${cut ? TOP_OUTPUT : from}"`);
  const needed = new Set<Layer>();
  const stack: Layer[] = [top];
  while (stack.length) {
    const l = stack.pop()!;
    if (l === cut || needed.has(l)) continue;
    if (l.getClassName() === 'InputLayer') throw new Error(`"${from}" is not a cut of the backbone: ${TOP_OUTPUT} also depends on layers below it`);
    needed.add(l);
    stack.push(...inbound(l));
  }
  return keras.layers.filter((l) => needed.has(l));
}

/**
 * Rebuilds the layers above `from` on `input` (the cut activation): convolutions with their
 * following BatchNorm folded in, the rest as they are. Returns the `out_relu` tensor and a
 * function that loads the pretrained (folded) weights once the model is built.
 */
export function rebuildTop(keras: tf.LayersModel, from: string, input: tf.SymbolicTensor): { output: tf.SymbolicTensor; loadWeights(): void } {
  const layers = layersAbove(keras, from);
  const cut = keras.layers.find((l) => l.name === from)!;
  const consumers = new Map<Layer, Layer[]>();
  for (const l of layers) for (const src of inbound(l)) consumers.set(src, [...(consumers.get(src) ?? []), l]);
  const tensors = new Map<Layer, tf.SymbolicTensor>([[cut, input]]);
  const skipped = new Set<Layer>();
  const pending: { layer: Layer; weights: Float32Array[] }[] = [];

  for (const layer of layers) {
    const xs = inbound(layer).map((l) => tensors.get(l)!);
    if (skipped.has(layer)) {
      tensors.set(layer, xs[0]);
      continue;
    }
    const kind = layer.getClassName();
    const c = layer.getConfig() as Record<string, unknown>;
    let built: Layer;
    if (kind === 'Conv2D' || kind === 'DepthwiseConv2D') {
      const next = consumers.get(layer) ?? [];
      const bn = next.length === 1 && next[0].getClassName() === 'BatchNormalization' ? next[0] : null;
      if (bn) skipped.add(bn);
      const w = copy(layer.getWeights());
      const kernel = w[0];
      const bias = c.useBias === false ? null : w[1];
      const [, , inC, k] = layer.getWeights()[0].shape as number[];
      // Conv2D kernels are [kh, kw, in, out]; depthwise ones [kh, kw, in, multiplier].
      const outChannels = kind === 'Conv2D' ? k : inC * k;
      const folded = bn ? foldBatchNorm(kernel, bias, batchNormParams(bn)) : { kernel, bias: bias ?? new Float32Array(outChannels) };
      const common = { kernelSize: c.kernelSize as [number, number], strides: c.strides as [number, number], padding: c.padding as 'same' | 'valid', useBias: true, name: layer.name, activation: (c.activation as string | undefined) ?? 'linear' } as const;
      built =
        kind === 'Conv2D'
          ? tf.layers.conv2d({ ...common, filters: c.filters as number, activation: common.activation as 'linear' })
          : tf.layers.depthwiseConv2d({ ...common, depthMultiplier: (c.depthMultiplier as number | undefined) ?? 1, activation: common.activation as 'linear' });
      pending.push({ layer: built, weights: [folded.kernel, folded.bias] });
    } else if (kind === 'ReLU') {
      built = tf.layers.reLU({ maxValue: c.maxValue as number | undefined, name: layer.name });
    } else if (kind === 'ZeroPadding2D') {
      built = tf.layers.zeroPadding2d({ padding: c.padding as [[number, number], [number, number]], name: layer.name });
    } else if (kind === 'Add') {
      built = tf.layers.add({ name: layer.name });
    } else {
      throw new Error(`cannot rebuild layer ${layer.name} (${kind}) above the cut`);
    }
    tensors.set(layer, built.apply(xs.length === 1 ? xs[0] : xs) as tf.SymbolicTensor);
  }
  const top = keras.layers.find((l) => l.name === TOP_OUTPUT)!;
  return {
    output: tensors.get(top)!,
    loadWeights() {
      for (const { layer, weights } of pending) {
        const shapes = layer.getWeights().map((w) => w.shape);
        const values = weights.map((w, i) => tf.tensor(w, shapes[i]));
        layer.setWeights(values);
        tf.dispose(values);
      }
    },
  };
}

export interface FineTuneModelSpec {
  keras: tf.LayersModel;
  /** The cut layer; its activation is the model's first input. */
  from: string;
  /** Width of the frozen, transformed feature blocks (the model's second input). */
  frozenDim: number;
  /** Scale the transform gives every block: 1/√(number of blocks, the pooled one included). */
  blockScale: number;
  embeddingDim: number;
  seed: number;
}

export function buildFineTuneModel(spec: FineTuneModelSpec): tf.LayersModel {
  const cut = spec.keras.layers.find((l) => l.name === spec.from);
  if (!cut) throw new Error(`the backbone has no layer "${spec.from}"`);
  const shape = (cut.outputShape as number[]).slice(1);
  const act = tf.input({ shape, name: ACTIVATION_INPUT });
  const frozen = tf.input({ shape: [spec.frozenDim], name: FEATURES_INPUT });
  const top = rebuildTop(spec.keras, spec.from, act);
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(top.output) as tf.SymbolicTensor;
  const normalised = new BlockNormalization({ scale: spec.blockScale, name: 'pooled_norm' }).apply(pooled) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'head_input' }).apply([normalised, frozen]) as tf.SymbolicTensor;
  const s = (spec.seed * 7919 + 104729) % 2147483647;
  const out = tf.layers.dense({ units: spec.embeddingDim, kernelInitializer: tf.initializers.glorotUniform({ seed: s }), name: 'embedding' }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [act, frozen], outputs: out, name: 'fine_tuned_encoder' });
  top.loadWeights();
  return model;
}

/** The weights that belong to the rebuilt backbone layers (trained at a smaller learning rate). */
export function topWeightNames(model: tf.LayersModel): Set<string> {
  const head = new Set(['embedding', 'pooled', 'pooled_norm', 'head_input', ACTIVATION_INPUT, FEATURES_INPUT]);
  return new Set(model.layers.filter((l) => !head.has(l.name)).flatMap((l) => l.trainableWeights.map((w) => w.name)));
}
