/**
 * One process's frozen-backbone featurizer: decode → MobileNetV2 → pooled features and style
 * statistics of intermediate layers, concatenated into one row per image. The row layout and the
 * backboneId derive from a BackboneSpec only, so every thread and run agrees on them.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { decodeSquareRgb } from './decode.js';
import { ensureBackend } from './ensure-backend.js';
import {
  loadMobileNetFeatureModel,
  MOBILENET_INPUT_SIZE,
  nsfwjsVersion,
  type MobileNetFeatureModel,
  type MobileNetVariant,
} from './load-mobilenet.js';
import {
  DEFAULT_STYLE_OPTIONS,
  StyleStatisticsComputer,
  type FeatureBlock,
  type StyleOptions,
} from './style-features.js';

export type BackboneView = 'center' | 'hflip';

export interface BackboneSpec {
  variant: MobileNetVariant;
  /** Keras-style names, e.g. `block_6_expand_relu`; each yields `.mean`, `.std` and `.gram` blocks. */
  styleLayers: string[];
  style: StyleOptions;
}

export const DEFAULT_BACKBONE_SPEC: BackboneSpec = {
  variant: 'MobileNetV2',
  styleLayers: ['block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu'],
  style: DEFAULT_STYLE_OPTIONS,
};

/** Bump whenever decoding, preprocessing or the statistics change without a spec change. */
const FEATURE_DEFINITION_VERSION = 1;

export function backboneIdOf(spec: BackboneSpec): string {
  const definition = {
    v: FEATURE_DEFINITION_VERSION,
    nsfwjs: nsfwjsVersion(),
    input: MOBILENET_INPUT_SIZE,
    decode: 'rotate,cover-centre,flatten-white,rgb',
    spec,
  };
  const h = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);
  return `${spec.variant}-style-v${FEATURE_DEFINITION_VERSION}-${h}`;
}

export function blockPrefix(layer: string): string {
  return layer.replace(/_expand_relu$/, '').replace(/_relu$/, '');
}

export class BackboneFeaturizer {
  readonly blocks: FeatureBlock[];
  readonly dim: number;
  readonly backboneId: string;
  readonly inputSize: number;

  private constructor(
    readonly spec: BackboneSpec,
    private readonly model: MobileNetFeatureModel,
    private readonly style: StyleStatisticsComputer[],
  ) {
    this.backboneId = backboneIdOf(spec);
    this.inputSize = model.inputSize;
    const blocks: FeatureBlock[] = [];
    let offset = 0;
    const add = (name: string, dim: number) => {
      blocks.push({ name, offset, dim });
      offset += dim;
    };
    add('pooled', model.pooledDim);
    spec.styleLayers.forEach((layer, i) => {
      const p = blockPrefix(layer);
      const d = style[i].dims;
      add(`${p}.mean`, d.mean);
      add(`${p}.std`, d.std);
      add(`${p}.gram`, d.gram);
    });
    this.blocks = blocks;
    this.dim = offset;
  }

  static async create(spec: BackboneSpec = DEFAULT_BACKBONE_SPEC): Promise<BackboneFeaturizer> {
    await ensureBackend();
    const model = await loadMobileNetFeatureModel({ variant: spec.variant, layers: spec.styleLayers });
    // One dry run yields each tapped layer's channel count and warms the kernels up.
    const size = model.inputSize;
    const probe = model.run(tf.zeros([1, size, size, 3]) as tf.Tensor4D);
    const channels = probe.layers.map((t) => t.shape[3]);
    await probe.pooled.data();
    tf.dispose([probe.pooled, ...probe.layers]);
    const style = channels.map((c) => new StyleStatisticsComputer(c, spec.style));
    return new BackboneFeaturizer(spec, model, style);
  }

  decode(path: string, view: BackboneView): Promise<Uint8Array> {
    return decodeSquareRgb(path, this.inputSize, { flip: view === 'hflip' }).then((d) => d.data);
  }

  /** `images`: RGB bytes, inputSize² × 3 each. Returns images.length × dim rows. */
  featurize(images: Uint8Array[]): Float32Array {
    if (images.length === 0) return new Float32Array(0);
    const s = this.inputSize;
    const pixels = new Uint8Array(images.length * s * s * 3);
    images.forEach((img, i) => pixels.set(img, i * s * s * 3));
    const out = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [images.length, s, s, 3], 'int32');
      const f = this.model.run(x);
      const parts: tf.Tensor2D[] = [f.pooled];
      f.layers.forEach((act, i) => {
        const st = this.style[i].compute(act);
        parts.push(st.mean, st.std, st.gram);
      });
      return tf.concat(parts, 1);
    });
    const rows = out.dataSync() as Float32Array;
    out.dispose();
    if (rows.length !== images.length * this.dim) throw new Error('feature row size mismatch');
    return rows;
  }

  dispose(): void {
    this.model.dispose();
    this.style.forEach((s) => s.dispose());
  }
}

export interface DecodedBatch {
  images: (Uint8Array | null)[];
  failures: { index: number; message: string }[];
}

/** Decodes every path; failures are collected per image rather than failing the batch. */
export async function decodeBatch(f: BackboneFeaturizer, paths: string[], view: BackboneView): Promise<DecodedBatch> {
  const failures: DecodedBatch['failures'] = [];
  const images = await Promise.all(
    paths.map((p, index) =>
      f.decode(p, view).catch((e: unknown) => {
        failures.push({ index, message: e instanceof Error ? e.message : String(e) });
        return null;
      }),
    ),
  );
  return { images, failures };
}

/** Rows for a decoded batch; rows of images that failed to decode are NaN. */
export function featurizeBatch(f: BackboneFeaturizer, batch: DecodedBatch): Float32Array {
  const ok = batch.images.filter((x): x is Uint8Array => x !== null);
  const rows = f.featurize(ok);
  if (ok.length === batch.images.length) return rows;
  const out = new Float32Array(batch.images.length * f.dim).fill(NaN);
  let j = 0;
  batch.images.forEach((img, i) => {
    if (img) out.set(rows.subarray(j * f.dim, ++j * f.dim), i * f.dim);
  });
  return out;
}
