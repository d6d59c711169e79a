/**
 * What a frozen-backbone feature row is: the network, the intermediate layers whose style
 * statistics it holds, and how those are computed. A spec fixes the row layout and the backbone
 * id that cached rows and trained heads are keyed by, whatever runtime (tfjs or ONNX Runtime)
 * computes them. Pure: no tensors here.
 */
import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import type { FeatureBlock } from '../encoders/feature-transform.js';
import { nsfwjsVersion } from './nsfwjs-package.js';

export type { FeatureBlock };

export type MobileNetVariant = 'MobileNetV2' | 'MobileNetV2Mid';

export interface StyleOptions {
  /** Channels the activation is projected to before the Gram matrix (its upper triangle is kept). */
  gramChannels: number;
  /** Gram of mean-centred projections (a covariance) instead of raw second moments. */
  centered: boolean;
  seed: number;
  /**
   * Variance as E[(x − μ)²] rather than E[x²] − μ²: the one-pass form cancels catastrophically in
   * float32 where a channel is nearly constant, so two runtimes disagree on its (fourth-rooted) std.
   */
  twoPassVariance?: boolean;
}

export const DEFAULT_STYLE_OPTIONS: StyleOptions = { gramChannels: 48, centered: true, seed: 20240611, twoPassVariance: true };

export interface BackboneSpec {
  variant: MobileNetVariant;
  /** Keras-style names, e.g. `block_6_expand_relu`; each yields `.mean`, `.std` and `.gram` blocks. */
  styleLayers: string[];
  style: StyleOptions;
  /**
   * Layers whose raw activations (NHWC, flattened) end the row as `<layer>.act` blocks: what a
   * model that fine-tunes the backbone above that layer trains on. Their size is the base view's
   * (224 px), so a spec with activations caches base-size views only.
   */
  activations?: string[];
}

export const DEFAULT_BACKBONE_SPEC: BackboneSpec = {
  variant: 'MobileNetV2',
  styleLayers: ['block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu'],
  style: DEFAULT_STYLE_OPTIONS,
};

/** The features of models saved before their manifest recorded a spec. */
export const LEGACY_BACKBONE_SPEC: BackboneSpec = {
  variant: 'MobileNetV2',
  styleLayers: ['block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu'],
  style: { gramChannels: 48, centered: true, seed: 20240611 },
};

/** The square size the bundled backbones were built for; views of other sizes are resampled to theirs. */
export const BACKBONE_BASE_SIZE = 224;

/** Bump whenever decoding, preprocessing or the statistics change without a spec change. */
const FEATURE_DEFINITION_VERSION = 1;

export function backboneIdOf(spec: BackboneSpec): string {
  const definition = {
    v: FEATURE_DEFINITION_VERSION,
    nsfwjs: nsfwjsVersion(),
    input: BACKBONE_BASE_SIZE,
    decode: 'rotate,cover-centre,flatten-white,rgb',
    spec,
  };
  const h = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);
  return `${spec.variant}-style-v${FEATURE_DEFINITION_VERSION}-${h}`;
}

export function blockPrefix(layer: string): string {
  return layer.replace(/_expand_relu$/, '').replace(/_relu$/, '');
}

export interface StyleDims {
  mean: number;
  std: number;
  gram: number;
}

export function projectedChannels(channels: number, opts: StyleOptions): number {
  return Math.min(channels, opts.gramChannels);
}

export function styleDims(channels: number, opts: StyleOptions): StyleDims {
  const k = projectedChannels(channels, opts);
  return { mean: channels, std: channels, gram: (k * (k + 1)) / 2 };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A [channels, k] Gaussian matrix scaled by 1/sqrt(channels), identical on every run and thread
 * for the same (channels, k, seed); the identity when no reduction is needed.
 */
export function seededProjection(channels: number, k: number, seed: number): Float32Array {
  const out = new Float32Array(channels * k);
  if (k >= channels) {
    for (let i = 0; i < channels; i++) out[i * k + i] = 1;
    return out;
  }
  const rand = mulberry32(seed ^ Math.imul(channels, 0x9e3779b1) ^ Math.imul(k, 0x85ebca6b));
  const scale = 1 / Math.sqrt(channels);
  for (let i = 0; i < out.length; i += 2) {
    // Box–Muller: two normals per pair of uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v) * scale;
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v) * scale;
  }
  return out;
}

/** Flat indices of the upper triangle (with diagonal) of a k×k matrix, row-major. */
export function upperTriangleIndices(k: number): Int32Array {
  const idx = new Int32Array((k * (k + 1)) / 2);
  let n = 0;
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) idx[n++] = i * k + j;
  return idx;
}

/**
 * The row layout: the pooled final activation, then per tapped layer its channel means, stds and
 * projected Gram triangle. Every runtime derives it from this.
 */
export function layoutOf(spec: BackboneSpec, pooledDim: number, channels: number[], activationDims: number[] = []): { dim: number; blocks: FeatureBlock[] } {
  const blocks: FeatureBlock[] = [];
  let offset = 0;
  const add = (name: string, dim: number) => {
    blocks.push({ name, offset, dim });
    offset += dim;
  };
  add('pooled', pooledDim);
  spec.styleLayers.forEach((layer, i) => {
    const p = blockPrefix(layer);
    const d = styleDims(channels[i], spec.style);
    add(`${p}.mean`, d.mean);
    add(`${p}.std`, d.std);
    add(`${p}.gram`, d.gram);
  });
  (spec.activations ?? []).forEach((layer, i) => add(`${layer}.act`, activationDims[i]));
  return { dim: offset, blocks };
}

/** The layout of a loaded Keras backbone (its layers' channel counts), without running it. */
export function backboneLayout(spec: BackboneSpec, keras: tf.LayersModel): { dim: number; blocks: FeatureBlock[] } {
  const shape = (name: string) => {
    const layer = keras.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`layer ${name} not found in ${spec.variant}`);
    return layer.outputShape as number[];
  };
  const channels = (name: string) => shape(name)[3];
  const size = (name: string) => shape(name).slice(1).reduce((a, b) => a * b, 1);
  return layoutOf(spec, channels('out_relu'), spec.styleLayers.map(channels), (spec.activations ?? []).map(size));
}
