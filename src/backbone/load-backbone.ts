/**
 * A frozen backbone from the nsfwjs bundles as a feature model: the global average of its last
 * activation below the classifier plus chosen intermediate activations, from RGB bytes, with the
 * input range its spec names.
 */
import * as tf from '@tensorflow/tfjs';
import { bundleKind, nsfwjsIOHandler } from './nsfwjs-bundle.js';
import { BACKBONES, checkInputSize, type BackboneVariant, type InputRange } from './spec.js';
import { BASE_VIEW } from './views.js';

export interface BackboneActivations {
  /** [N, pooledDim] global average of the pooled layer (`out_relu`, `mixed10`). */
  pooled: tf.Tensor2D;
  /** One [N, H, W, C] activation per requested layer, in request order. */
  layers: tf.Tensor4D[];
}

export interface BackboneFeatureModel {
  variant: BackboneVariant;
  kind: 'layers' | 'graph';
  inputSize: number;
  /** Keras-style names of the tapped intermediate layers, e.g. `block_6_expand_relu`, `mixed5`. */
  layerNames: string[];
  /** `pixels`: [N, inputSize, inputSize, 3] RGB in 0..255. Call inside tf.tidy or dispose the outputs. */
  run(pixels: tf.Tensor4D): BackboneActivations;
  dispose(): void;
}

/** Bytes 0..255 → the network's input range. */
export function scalePixels(pixels: tf.Tensor4D, range: InputRange): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.cast(pixels, 'float32');
    return (range === '[0,1]' ? tf.div(x, 255) : tf.sub(tf.div(x, 127.5), 1)) as tf.Tensor4D;
  });
}

/** Keras `block_k_expand_relu` / `out_relu` → node-name suffix in the TF-Hub graph model. */
function graphNodeSuffix(layer: string): string {
  if (layer === 'out_relu') return 'MobilenetV2/Conv_1/Relu6';
  const m = /^block_(\d+)_expand_relu$/.exec(layer);
  if (!m) throw new Error(`layer ${layer} has no counterpart in the MobileNetV2Mid graph (use block_<k>_expand_relu)`);
  return `MobilenetV2/expanded_conv_${m[1]}/expand/Relu6`;
}

export async function loadBackboneFeatureModel(
  opts: { variant?: BackboneVariant; layers?: string[]; inputSize?: number; inputRange?: InputRange } = {},
): Promise<BackboneFeatureModel> {
  const variant = opts.variant ?? 'MobileNetV2';
  const layerNames = opts.layers ?? [];
  const inputSize = opts.inputSize ?? BASE_VIEW.size;
  const range = opts.inputRange ?? '[-1,1]';
  const pooledLayer = BACKBONES[variant].pooledLayer;
  checkInputSize(variant, inputSize);

  if (bundleKind(variant) === 'layers') {
    const cut = await tf.loadLayersModel(nsfwjsIOHandler(variant, { inputSize }));
    const find = (name: string): tf.SymbolicTensor => {
      const layer = cut.layers.find((l) => l.name === name);
      if (!layer) throw new Error(`layer ${name} not found in ${variant}`);
      return layer.output as tf.SymbolicTensor;
    };
    // A layer tapped twice (InceptionV3's mixed10 is both pooled and styled) is one model output.
    const unique = [...new Set([pooledLayer, ...layerNames])];
    const taps = tf.model({ inputs: cut.inputs, outputs: unique.map(find) });
    const at = [pooledLayer, ...layerNames].map((name) => unique.indexOf(name));
    return {
      variant,
      kind: 'layers',
      inputSize,
      layerNames,
      run(pixels) {
        return tf.tidy(() => {
          const predicted = taps.predict(scalePixels(pixels, range));
          const outs = at.map((i) => (Array.isArray(predicted) ? predicted[i] : predicted));
          // Each requested layer its own tensor, so a caller may dispose them one by one.
          const layers = outs.slice(1).map((t, i) => (outs.indexOf(t) !== i + 1 ? tf.clone(t) : t)) as tf.Tensor4D[];
          return { pooled: tf.mean(outs[0], [1, 2]) as tf.Tensor2D, layers };
        }) as BackboneActivations;
      },
      dispose() {
        cut.dispose();
      },
    };
  }

  if (opts.inputRange) throw new RangeError(`${variant} rescales its input itself: it takes no inputRange`);
  const artifacts = await nsfwjsIOHandler(variant).load();
  const graph = await tf.loadGraphModel({ load: async () => artifacts });
  const nodeNames = ((artifacts.modelTopology as { node?: { name: string }[] }).node ?? []).map((n) => n.name);
  const resolveNode = (layer: string): string => {
    const suffix = graphNodeSuffix(layer);
    const hit = nodeNames.find((n) => n.endsWith(suffix));
    if (!hit) throw new Error(`node for ${layer} (${suffix}) not found in ${variant}`);
    return hit;
  };
  const outputs = [resolveNode(pooledLayer), ...layerNames.map(resolveNode)];
  const inputName = graph.inputs[0].name;
  return {
    variant,
    kind: 'graph',
    inputSize,
    layerNames,
    run(pixels) {
      return tf.tidy(() => {
        // The hub graph rescales [0, 1] to [-1, 1] itself.
        const x = tf.div(tf.cast(pixels, 'float32'), 255);
        const outs = graph.execute({ [inputName]: x }, outputs) as tf.Tensor[];
        return { pooled: tf.mean(outs[0], [1, 2]) as tf.Tensor2D, layers: outs.slice(1) as tf.Tensor4D[] };
      }) as BackboneActivations;
    },
    dispose() {
      graph.dispose();
    },
  };
}
