/**
 * One process's frozen-backbone featurizer: decode → the backbone (MobileNetV2, InceptionV3) →
 * pooled features and style statistics of intermediate layers, concatenated into one row per
 * image. The row layout and the backboneId derive from a BackboneSpec only, so every thread and
 * run agrees on them.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeSquareRgb } from './decode.js';
import { ensureBackend } from './ensure-backend.js';
import { loadBackboneFeatureModel, type BackboneFeatureModel } from './load-backbone.js';
import { backboneIdOf, DEFAULT_BACKBONE_SPEC, inputRangeOf, isCombined, layoutOf, type BackboneSpec, type FeatureBlock } from './spec.js';
import { StyleStatisticsComputer } from './style-features.js';
import { BASE_VIEW, type ViewSpec } from './views.js';

export { backboneIdOf, backboneLayout, DEFAULT_BACKBONE_SPEC, LEGACY_BACKBONE_SPEC, layoutOf } from './spec.js';
export type { BackboneSpec, FeatureSpec } from './spec.js';

export class BackboneFeaturizer {
  readonly blocks: FeatureBlock[];
  readonly dim: number;
  readonly backboneId: string;
  readonly inputSize: number;

  private constructor(
    readonly spec: BackboneSpec,
    private readonly model: BackboneFeatureModel,
    pooledDim: number,
    private readonly style: StyleStatisticsComputer[],
    activationDims: number[],
  ) {
    this.backboneId = backboneIdOf(spec);
    this.inputSize = model.inputSize;
    const layout = layoutOf(spec, pooledDim, style.map((s) => s.channels), activationDims);
    this.blocks = layout.blocks;
    this.dim = layout.dim;
  }

  /** `inputSize`: the square size of the views it will featurize (default 224). One backbone only: combinations are joined by row. */
  static async create(spec: BackboneSpec = DEFAULT_BACKBONE_SPEC, inputSize = BASE_VIEW.size): Promise<BackboneFeaturizer> {
    if (isCombined(spec)) throw new TypeError('a featurizer runs one backbone: featurize each part of a combined spec');
    await ensureBackend();
    const activations = spec.activations ?? [];
    if (activations.length && inputSize !== BASE_VIEW.size) throw new RangeError(`a backbone spec with activations featurizes ${BASE_VIEW.size} px views only, not ${inputSize} px`);
    const model = await loadBackboneFeatureModel({
      variant: spec.variant,
      layers: [...spec.styleLayers, ...activations],
      inputSize,
      inputRange: spec.variant === 'MobileNetV2Mid' ? undefined : inputRangeOf(spec),
    });
    // One dry run yields the pooled width and each tapped layer's shape, and warms the kernels up.
    const size = model.inputSize;
    const probe = model.run(tf.zeros([1, size, size, 3]) as tf.Tensor4D);
    const shapes = probe.layers.map((t) => t.shape);
    const pooledDim = probe.pooled.shape[1];
    await probe.pooled.data();
    tf.dispose([probe.pooled, ...probe.layers]);
    const style = shapes.slice(0, spec.styleLayers.length).map((s) => new StyleStatisticsComputer(s[3], spec.style));
    const activationDims = shapes.slice(spec.styleLayers.length).map((s) => s[1] * s[2] * s[3]);
    return new BackboneFeaturizer(spec, model, pooledDim, style, activationDims);
  }

  decode(path: string, view: ViewSpec): Promise<Uint8Array> {
    return decodeSquareRgb(path, this.inputSize, { view }).then((d) => d.data);
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
        if (i >= this.style.length) {
          parts.push(tf.reshape(act, [images.length, -1]));
          return;
        }
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
export async function decodeBatch(f: BackboneFeaturizer, paths: string[], view: ViewSpec): Promise<DecodedBatch> {
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
