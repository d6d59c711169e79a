/**
 * What a frozen-backbone feature row is: the network (or networks, side by side), the
 * intermediate layers whose style statistics it holds, and how those are computed. A spec fixes
 * the row layout and the backbone id that cached rows and trained heads are keyed by, whatever
 * runtime (tfjs or ONNX Runtime) computes them. Pure: no tensors here.
 */
import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import type { FeatureBlock } from '../encoders/feature-transform.js';
import { nsfwjsVersion } from './nsfwjs-package.js';

export type { FeatureBlock };

/** The ImageNet backbones bundled in nsfwjs. */
export type BackboneVariant = 'MobileNetV2' | 'MobileNetV2Mid' | 'InceptionV3';

/** The pixel range the network's first layer is fed (bytes 0..255 mapped linearly). */
export type InputRange = '[-1,1]' | '[0,1]';

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
  variant: BackboneVariant;
  /** Keras-style names, e.g. `block_6_expand_relu` or `mixed5`; each yields `.mean`, `.std` and `.gram` blocks. */
  styleLayers: string[];
  style: StyleOptions;
  /** Absent means [-1, 1], what every spec before this field was computed with. */
  inputRange?: InputRange;
  /**
   * Layers whose raw activations (NHWC, flattened) end the row as `<layer>.act` blocks: what a
   * model that fine-tunes the backbone above that layer trains on. Their size is the base view's
   * (224 px), so a spec with activations caches base-size views only.
   */
  activations?: string[];
}

/**
 * Several backbones' rows side by side, in this order, each block named `<variant>/<block>` (e.g.
 * `InceptionV3/mixed5.gram`). Every part is extracted and cached under its own backbone id, so a
 * combination reuses the rows its parts already have.
 */
export interface CombinedBackboneSpec {
  combine: BackboneSpec[];
}

/** What a feature row is computed from: one backbone or a combination. */
export type FeatureSpec = BackboneSpec | CombinedBackboneSpec;

export function isCombined(spec: FeatureSpec): spec is CombinedBackboneSpec {
  return 'combine' in spec;
}

/** The backbones a row is computed from, in row order. */
export function backbonesOf(spec: FeatureSpec): BackboneSpec[] {
  return isCombined(spec) ? spec.combine : [spec];
}

/** What the bundled networks are, as far as the row layout and its id are concerned. */
export interface BackboneInfo {
  /** The square size the bundled network was built (and its classifier trained) for. */
  builtSize: number;
  /** The last activation below the classifier: `pooled` is its global average. */
  pooledLayer: string;
  /** Which square input sizes the network takes, and why. */
  sizeRule: string;
  acceptsSize(size: number): boolean;
  /** The block-name prefix of a tapped layer's statistics. */
  blockName(layer: string): string;
}

const mobileNetBlockName = (layer: string) => layer.replace(/_expand_relu$/, '').replace(/_relu$/, '');

export const BACKBONES: Record<BackboneVariant, BackboneInfo> = {
  MobileNetV2: {
    builtSize: 224,
    pooledLayer: 'out_relu',
    // Its stride-2 stages pad with ZeroPadding2D layers sized for an even map at every stage.
    sizeRule: 'a multiple of 32 (its ZeroPadding2D layers were built for even maps at every stride-2 stage)',
    acceptsSize: (s) => Number.isInteger(s) && s >= 32 && s % 32 === 0,
    blockName: mobileNetBlockName,
  },
  MobileNetV2Mid: {
    builtSize: 224,
    pooledLayer: 'out_relu',
    sizeRule: '224 (a graph model with a fixed input)',
    acceptsSize: (s) => s === 224,
    blockName: mobileNetBlockName,
  },
  InceptionV3: {
    builtSize: 299,
    pooledLayer: 'mixed10',
    // Valid 3×3 convolutions and pools in the stem and at mixed3 and mixed8: 75 px → 37 → 35 → 17
    // → 15 → 7 (mixed0–2) → 3 (mixed3–7) → 1 (mixed8–10). Any size from 75 up works, odd or even;
    // e.g. 224 px gives 25, 12 and 5, 299 px 35, 17 and 8.
    sizeRule: 'at least 75 (its valid-padded stem and grid reductions leave a 1×1 map at mixed8 from 75 px)',
    acceptsSize: (s) => Number.isInteger(s) && s >= 75,
    blockName: (layer) => layer,
  },
};

/** Throws a RangeError naming the rule when `variant` cannot run at `size` px. */
export function checkInputSize(variant: BackboneVariant, size: number): void {
  const info = BACKBONES[variant];
  if (!info) throw new RangeError(`unknown backbone ${variant} (known: ${Object.keys(BACKBONES).join(', ')})`);
  if (!info.acceptsSize(size)) throw new RangeError(`${variant} cannot run at ${size} px: its input must be ${info.sizeRule}`);
}

export function inputRangeOf(spec: BackboneSpec): InputRange {
  return spec.inputRange ?? '[-1,1]';
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

export const INCEPTION_V3_MIXED_LAYERS = ['mixed0', 'mixed1', 'mixed2', 'mixed3', 'mixed4', 'mixed5', 'mixed6', 'mixed7', 'mixed8', 'mixed9', 'mixed10'];

/**
 * InceptionV3 with every mixed block tapped, so that one extraction serves any choice of blocks.
 * Fed [0, 1] as nsfwjs feeds it: the bundle's BatchNorm statistics, frozen layers included, are
 * those of [0, 1] inputs.
 */
export const INCEPTION_V3_SPEC: BackboneSpec = {
  variant: 'InceptionV3',
  styleLayers: INCEPTION_V3_MIXED_LAYERS,
  style: DEFAULT_STYLE_OPTIONS,
  inputRange: '[0,1]',
};

/** The default MobileNetV2 row (its cached rows reused as they are) beside InceptionV3's. */
export const MOBILENET_INCEPTION_SPEC: CombinedBackboneSpec = { combine: [DEFAULT_BACKBONE_SPEC, INCEPTION_V3_SPEC] };

/** Bump whenever decoding, preprocessing or the statistics change without a spec change. */
const FEATURE_DEFINITION_VERSION = 1;

/** Rejects combinations that could not name their blocks apart, or nest. */
export function validateFeatureSpec(spec: FeatureSpec): void {
  const parts = backbonesOf(spec);
  if (isCombined(spec) && parts.length < 2) throw new RangeError('a combined backbone spec lists at least two backbones');
  const seen = new Set<string>();
  for (const p of parts) {
    if (isCombined(p as FeatureSpec)) throw new RangeError('combined backbone specs do not nest');
    if (!BACKBONES[p.variant]) throw new RangeError(`unknown backbone ${p.variant} (known: ${Object.keys(BACKBONES).join(', ')})`);
    if (seen.has(p.variant)) throw new RangeError(`backbone ${p.variant} is listed twice in one combination`);
    seen.add(p.variant);
    if (p.variant === 'MobileNetV2Mid' && p.inputRange) throw new RangeError('MobileNetV2Mid rescales its input itself: it takes no inputRange');
  }
}

/** The spec as its id sees it: an explicit default input range is the same features as none. */
function canonical(spec: BackboneSpec): BackboneSpec {
  if (spec.inputRange !== '[-1,1]') return spec;
  const { inputRange: _, ...rest } = spec;
  return rest;
}

/** Throws a RangeError for a spec no backbone can compute (an unknown network, a combination it could not name apart). */
export function backboneIdOf(spec: FeatureSpec): string {
  validateFeatureSpec(spec);
  if (isCombined(spec)) {
    const ids = spec.combine.map((p) => backboneIdOf(p));
    const h = createHash('sha256').update(JSON.stringify({ combine: ids })).digest('hex').slice(0, 16);
    return `${spec.combine.map((p) => p.variant).join('+')}-style-v${FEATURE_DEFINITION_VERSION}-${h}`;
  }
  const definition = {
    v: FEATURE_DEFINITION_VERSION,
    nsfwjs: nsfwjsVersion(),
    input: BACKBONES[spec.variant].builtSize,
    decode: 'rotate,cover-centre,flatten-white,rgb',
    spec: canonical(spec),
  };
  const h = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);
  return `${spec.variant}-style-v${FEATURE_DEFINITION_VERSION}-${h}`;
}

/** The block-name prefix of a tapped layer's statistics, e.g. `block_6` or `mixed5`. */
export function styleBlockName(variant: BackboneVariant, layer: string): string {
  return BACKBONES[variant].blockName(layer);
}

/** A part's block as a combined row names it. */
export function partBlockName(variant: BackboneVariant, block: string): string {
  return `${variant}/${block}`;
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

export interface RowLayout {
  dim: number;
  blocks: FeatureBlock[];
}

/**
 * The row layout: the pooled final activation, then per tapped layer its channel means, stds and
 * projected Gram triangle. Every runtime derives it from this.
 */
export function layoutOf(spec: BackboneSpec, pooledDim: number, channels: number[], activationDims: number[] = []): RowLayout {
  const blocks: FeatureBlock[] = [];
  let offset = 0;
  const add = (name: string, dim: number) => {
    blocks.push({ name, offset, dim });
    offset += dim;
  };
  add('pooled', pooledDim);
  spec.styleLayers.forEach((layer, i) => {
    const p = styleBlockName(spec.variant, layer);
    const d = styleDims(channels[i], spec.style);
    add(`${p}.mean`, d.mean);
    add(`${p}.std`, d.std);
    add(`${p}.gram`, d.gram);
  });
  (spec.activations ?? []).forEach((layer, i) => add(`${layer}.act`, activationDims[i]));
  return { dim: offset, blocks };
}

/** A combined row's layout: each part's blocks, prefixed with its backbone, one part after the other. */
export function combinedLayout(spec: CombinedBackboneSpec, parts: RowLayout[]): RowLayout {
  if (parts.length !== spec.combine.length) throw new RangeError(`${parts.length} layouts for ${spec.combine.length} backbones`);
  const blocks: FeatureBlock[] = [];
  let offset = 0;
  parts.forEach((layout, i) => {
    for (const b of layout.blocks) blocks.push({ name: partBlockName(spec.combine[i].variant, b.name), offset: offset + b.offset, dim: b.dim });
    offset += layout.dim;
  });
  return { dim: offset, blocks };
}

/** The layout of a loaded Keras backbone (its layers' channel counts), without running it. */
export function backboneLayout(spec: BackboneSpec, keras: tf.LayersModel): RowLayout {
  const shape = (name: string) => {
    const layer = keras.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`layer ${name} not found in ${spec.variant}`);
    return layer.outputShape as number[];
  };
  const channels = (name: string) => shape(name)[3];
  const size = (name: string) => shape(name).slice(1).reduce((a, b) => a * b, 1);
  return layoutOf(spec, channels(BACKBONES[spec.variant].pooledLayer), spec.styleLayers.map(channels), (spec.activations ?? []).map(size));
}
