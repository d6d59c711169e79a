/**
 * Loads the ImageNet MobileNetV2 backbones bundled in the nsfwjs npm package straight from disk
 * (the package wraps model.json and base64 weight shards in UMD `.min.js` files), and exposes a
 * feature model: global-average-pooled final activations plus chosen intermediate activations.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { nsfwjsPackageDir } from './nsfwjs-package.js';
import { BACKBONE_BASE_SIZE, type MobileNetVariant } from './spec.js';

export type { MobileNetVariant };

interface VariantInfo {
  dir: string;
  kind: 'layers' | 'graph';
  /** Channels of the last activation before the classifier (`out_relu`). */
  pooledDim: number;
}

const VARIANTS: Record<MobileNetVariant, VariantInfo> = {
  // Keras MobileNetV2 (width 1.0) with frozen ImageNet weights under nsfwjs' classifier.
  MobileNetV2: { dir: 'mobilenet_v2', kind: 'layers', pooledDim: 1280 },
  // TF-Hub MobileNetV2 width 1.4 as a graph model (fused conv+BN kernels: faster on wasm).
  MobileNetV2Mid: { dir: 'mobilenet_v2_mid', kind: 'graph', pooledDim: 1792 },
};

export function mobileNetPooledDim(variant: MobileNetVariant): number {
  return VARIANTS[variant].pooledDim;
}

export const MOBILENET_INPUT_SIZE = BACKBONE_BASE_SIZE;

const require = createRequire(import.meta.url);

export function nsfwjsModelDir(variant: MobileNetVariant): string {
  return path.join(nsfwjsPackageDir(), 'dist', 'models', VARIANTS[variant].dir);
}

function requireUncached(file: string): unknown {
  const resolved = require.resolve(file);
  try {
    const mod = require(resolved) as { default?: unknown };
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } finally {
    // The shards are multi-megabyte base64 strings; don't keep them alive in the module cache.
    delete require.cache[resolved];
  }
}

interface BundledModelJson {
  modelTopology: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

interface KerasTopology {
  model_config?: {
    config?: {
      layers?: { name: string; class_name: string; config: { batch_input_shape?: (number | null)[] } }[];
      output_layers?: unknown[];
    };
  };
}

/**
 * The Keras topology with its input layer rebuilt for `size` px, cut at `out_relu`: the
 * convolutions take any size, but the classifier on top flattens a fixed 7×7 map.
 */
function withInputSize(topology: object, size: number): object {
  const copy = structuredClone(topology) as KerasTopology;
  const config = copy.model_config?.config;
  const input = config?.layers?.find((l) => l.class_name === 'InputLayer');
  const top = config?.layers?.findIndex((l) => l.name === 'out_relu') ?? -1;
  if (!config?.layers || !input?.config.batch_input_shape || top < 0) throw new Error('the bundled model has no input layer and out_relu to resize');
  input.config.batch_input_shape = [null, size, size, 3];
  config.layers = config.layers.slice(0, top + 1);
  config.output_layers = [['out_relu', 0, 0]];
  return copy;
}

/** Only the weights of layers the (possibly cut) topology keeps. */
function keptWeights(topology: object, specs: tf.io.WeightsManifestEntry[], data: Buffer): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  const layers = new Set(((topology as KerasTopology).model_config?.config?.layers ?? []).map((l) => l.name));
  // Stored bytes per value: the quantised type where there is one (the bundle is uint8-quantised).
  const width = (s: tf.io.WeightsManifestEntry): number => {
    const stored = s.quantization?.dtype ?? s.dtype;
    if (stored === 'uint8' || stored === 'bool') return 1;
    if (stored === 'uint16' || stored === 'float16') return 2;
    return 4;
  };
  const kept: tf.io.WeightsManifestEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1) * width(s);
    if (layers.has(s.name.split('/')[0])) {
      kept.push(s);
      parts.push(data.subarray(offset, offset + n));
    }
    offset += n;
  }
  return { specs: kept, data: Buffer.concat(parts) };
}

/**
 * A tfjs IOHandler that reads the nsfwjs bundle files from disk: no fetch, no network.
 * `inputSize` rebuilds a layers model's input for another square size (a multiple of 32).
 */
export function nsfwjsIOHandler(variant: MobileNetVariant, opts: { inputSize?: number } = {}): tf.io.IOHandler & { load(): Promise<tf.io.ModelArtifacts> } {
  const dir = nsfwjsModelDir(variant);
  const resize = opts.inputSize !== undefined && opts.inputSize !== MOBILENET_INPUT_SIZE;
  if (resize && VARIANTS[variant].kind !== 'layers') throw new Error(`${variant} runs at ${MOBILENET_INPUT_SIZE} px only`);
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = requireUncached(path.join(dir, 'model.min.js')) as BundledModelJson;
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: resize ? withInputSize(json.modelTopology, opts.inputSize!) : json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
      };
      if (json.weightsManifest) {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const parts: Buffer[] = [];
        for (const group of json.weightsManifest) {
          for (const p of group.paths) {
            const b64 = requireUncached(path.join(dir, `${p}.min.js`));
            if (typeof b64 !== 'string') throw new Error(`nsfwjs weight shard ${p} in ${dir} is not a base64 string`);
            parts.push(Buffer.from(b64, 'base64'));
          }
          specs.push(...group.weights);
        }
        const kept = resize ? keptWeights(artifacts.modelTopology as object, specs, Buffer.concat(parts)) : { specs, data: Buffer.concat(parts) };
        artifacts.weightSpecs = kept.specs;
        artifacts.weightData = new Uint8Array(kept.data).buffer;
      }
      return artifacts;
    },
  };
}

export interface MobileNetFeatures {
  /** [N, pooledDim] global average of `out_relu`. */
  pooled: tf.Tensor2D;
  /** One [N, H, W, C] activation per requested layer, in request order. */
  layers: tf.Tensor4D[];
}

export interface MobileNetFeatureModel {
  variant: MobileNetVariant;
  kind: 'layers' | 'graph';
  inputSize: number;
  pooledDim: number;
  /** Keras-style names of the tapped intermediate layers, e.g. `block_6_expand_relu`. */
  layerNames: string[];
  /** `pixels`: [N, 224, 224, 3] RGB in 0..255. Call inside tf.tidy or dispose the outputs. */
  run(pixels: tf.Tensor4D): MobileNetFeatures;
  dispose(): void;
}

/** Keras `block_k_expand_relu` / `out_relu` → node-name suffix in the TF-Hub graph model. */
function graphNodeSuffix(layer: string): string {
  if (layer === 'out_relu') return 'MobilenetV2/Conv_1/Relu6';
  const m = /^block_(\d+)_expand_relu$/.exec(layer);
  if (!m) throw new Error(`layer ${layer} has no counterpart in the MobileNetV2Mid graph (use block_<k>_expand_relu)`);
  return `MobilenetV2/expanded_conv_${m[1]}/expand/Relu6`;
}

export async function loadMobileNetFeatureModel(
  opts: { variant?: MobileNetVariant; layers?: string[]; inputSize?: number } = {},
): Promise<MobileNetFeatureModel> {
  const variant = opts.variant ?? 'MobileNetV2';
  const layerNames = opts.layers ?? ['block_6_expand_relu'];
  const info = VARIANTS[variant];
  const inputSize = opts.inputSize ?? MOBILENET_INPUT_SIZE;
  const handler = nsfwjsIOHandler(variant, { inputSize });

  if (info.kind === 'layers') {
    const full = await tf.loadLayersModel(handler);
    const find = (name: string): tf.SymbolicTensor => {
      const layer = full.layers.find((l) => l.name === name);
      if (!layer) throw new Error(`layer ${name} not found in ${variant}`);
      return layer.output as tf.SymbolicTensor;
    };
    const taps = tf.model({ inputs: full.inputs, outputs: [find('out_relu'), ...layerNames.map(find)] });
    return {
      variant,
      kind: 'layers',
      inputSize,
      pooledDim: info.pooledDim,
      layerNames,
      run(pixels) {
        return tf.tidy(() => {
          // The backbone's layers are frozen Keras ImageNet weights, trained on inputs in [-1, 1].
          const x = tf.sub(tf.div(tf.cast(pixels, 'float32'), 127.5), 1);
          const outs = taps.predict(x) as tf.Tensor[];
          return { pooled: tf.mean(outs[0], [1, 2]) as tf.Tensor2D, layers: outs.slice(1) as tf.Tensor4D[] };
        }) as MobileNetFeatures;
      },
      dispose() {
        full.dispose();
      },
    };
  }

  const artifacts = await handler.load();
  const graph = await tf.loadGraphModel({ load: async () => artifacts });
  const nodeNames = ((artifacts.modelTopology as { node?: { name: string }[] }).node ?? []).map((n) => n.name);
  const resolveNode = (layer: string): string => {
    const suffix = graphNodeSuffix(layer);
    const hit = nodeNames.find((n) => n.endsWith(suffix));
    if (!hit) throw new Error(`node for ${layer} (${suffix}) not found in ${variant}`);
    return hit;
  };
  const outputs = [resolveNode('out_relu'), ...layerNames.map(resolveNode)];
  const inputName = graph.inputs[0].name;
  return {
    variant,
    kind: 'graph',
    inputSize: MOBILENET_INPUT_SIZE,
    pooledDim: info.pooledDim,
    layerNames,
    run(pixels) {
      return tf.tidy(() => {
        // The hub graph rescales [0, 1] to [-1, 1] itself.
        const x = tf.div(tf.cast(pixels, 'float32'), 255);
        const outs = graph.execute({ [inputName]: x }, outputs) as tf.Tensor[];
        return { pooled: tf.mean(outs[0], [1, 2]) as tf.Tensor2D, layers: outs.slice(1) as tf.Tensor4D[] };
      }) as MobileNetFeatures;
    },
    dispose() {
      graph.dispose();
    },
  };
}
