/**
 * Reads the ImageNet backbones bundled in the nsfwjs npm package straight from disk (the package
 * wraps model.json and base64 weight shards in UMD `.min.js` files) as a tfjs IOHandler: no
 * fetch, no network. A layers model can be rebuilt for another input size and cut below its NSFW
 * classifier, keeping only the weights of the layers it keeps.
 */
import type * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { nsfwjsPackageDir } from './nsfwjs-package.js';
import { BACKBONES, checkInputSize, type BackboneVariant } from './spec.js';

interface BundleInfo {
  dir: string;
  kind: 'layers' | 'graph';
}

const BUNDLES: Record<BackboneVariant, BundleInfo> = {
  // Keras MobileNetV2 (width 1.0) with ImageNet weights under nsfwjs' classifier.
  MobileNetV2: { dir: 'mobilenet_v2', kind: 'layers' },
  // TF-Hub MobileNetV2 width 1.4 as a graph model (fused conv+BN kernels: faster on wasm).
  MobileNetV2Mid: { dir: 'mobilenet_v2_mid', kind: 'graph' },
  // Keras InceptionV3 (299 px) with ImageNet weights under nsfwjs' Flatten/Dense classifier.
  InceptionV3: { dir: 'inception_v3', kind: 'layers' },
};

export function bundleKind(variant: BackboneVariant): 'layers' | 'graph' {
  return BUNDLES[variant].kind;
}

export function nsfwjsModelDir(variant: BackboneVariant): string {
  return path.join(nsfwjsPackageDir(), 'dist', 'models', BUNDLES[variant].dir);
}

const require = createRequire(import.meta.url);

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
 * The Keras topology with its input layer rebuilt for `size` px, cut at the layer below the
 * classifier (`out_relu`, `mixed10`): the convolutions take other sizes, but the classifier on top
 * flattens a map of the size it was built for. The bundles list that layer's dependencies before it.
 */
function withInputSize(topology: object, size: number, top: string): object {
  const copy = structuredClone(topology) as KerasTopology;
  const config = copy.model_config?.config;
  const input = config?.layers?.find((l) => l.class_name === 'InputLayer');
  const cut = config?.layers?.findIndex((l) => l.name === top) ?? -1;
  if (!config?.layers || !input?.config.batch_input_shape || cut < 0) throw new Error(`the bundled model has no input layer and ${top} to resize`);
  input.config.batch_input_shape = [null, size, size, 3];
  config.layers = config.layers.slice(0, cut + 1);
  config.output_layers = [[top, 0, 0]];
  return copy;
}

/** Only the weights of layers the (possibly cut) topology keeps. */
function keptWeights(topology: object, specs: tf.io.WeightsManifestEntry[], data: Buffer): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  const layers = new Set(((topology as KerasTopology).model_config?.config?.layers ?? []).map((l) => l.name));
  // Stored bytes per value: the quantised type where there is one (the bundles are uint8-quantised).
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
  if (offset !== data.length) throw new Error(`the bundled weights hold ${data.length} bytes, their manifest describes ${offset}`);
  return { specs: kept, data: Buffer.concat(parts) };
}

/**
 * A tfjs IOHandler over a bundle. Without `inputSize`: the whole model as nsfwjs ships it, NSFW
 * classifier included. With it: a layers model rebuilt for that square size (see BACKBONES for the
 * sizes each network takes) and cut below its classifier.
 */
export function nsfwjsIOHandler(variant: BackboneVariant, opts: { inputSize?: number } = {}): tf.io.IOHandler & { load(): Promise<tf.io.ModelArtifacts> } {
  const dir = nsfwjsModelDir(variant);
  const rebuild = opts.inputSize !== undefined;
  if (rebuild) {
    checkInputSize(variant, opts.inputSize!);
    if (BUNDLES[variant].kind !== 'layers') throw new RangeError(`${variant} is a graph model: it cannot be rebuilt or cut`);
  }
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = requireUncached(path.join(dir, 'model.min.js')) as BundledModelJson;
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: rebuild ? withInputSize(json.modelTopology, opts.inputSize!, BACKBONES[variant].pooledLayer) : json.modelTopology,
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
        const kept = rebuild ? keptWeights(artifacts.modelTopology as object, specs, Buffer.concat(parts)) : { specs, data: Buffer.concat(parts) };
        artifacts.weightSpecs = kept.specs;
        artifacts.weightData = new Uint8Array(kept.data).buffer;
      }
      return artifacts;
    },
  };
}
