/**
 * Encoders turn image files into embeddings. Evaluation, indexing and the server all go through
 * this interface, whatever the preset: a CNN on pixels, or a head on frozen backbone features.
 */
import * as tf from '@tensorflow/tfjs';
import { loadImageTensorData } from '../images/preprocess.js';
import { meanOfViews, toEmbeddingSpace, normaliseRows } from './embedding-space.js';
import { applyFeatureTransform, blockByName, blockRows, type FeatureTransform } from './feature-transform.js';
import type { ResidentBackbone } from '../backbone/resident-worker.js';
import type { FeatureRuntime } from '../backbone/extract.js';
import { BASE_VIEW, type ViewSpec } from '../backbone/views.js';
import type { FeatureSpec } from '../backbone/spec.js';
import type { FeatureBlock } from '../backbone/style-features.js';

/** The backbone (tfjs model files, worker pool) is loaded only when a preset needs it. */
const loadBackbone = () => import('../backbone/extract.js');

export type EmbedProgress = (done: number, total: number) => void;

export interface Encoder {
  /** A label for reports, e.g. "v3 (pretrained)" or "baseline: backbone features". */
  readonly name: string;
  readonly dim: number;
  embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array>;
  /**
   * One embedding of untrusted image bytes, decoded in memory. Decoding is the validation: bytes
   * that are not a readable image reject with IMAGE_UNREADABLE or IMAGE_TOO_LARGE naming `name`.
   * Encoders that only read files (a backbone in a worker) leave it out.
   */
  embedBytes?(bytes: Buffer, name: string): Promise<Float32Array>;
  dispose(): void;
}

const BATCH = 32;

function predictRows(model: tf.LayersModel, input: Float32Array, rows: number, inDim: number, scale: number): Float32Array {
  const outDim = model.outputs[0].shape[1] as number;
  const out = new Float32Array(rows * outDim);
  for (let start = 0; start < rows; start += 256) {
    const n = Math.min(256, rows - start);
    const emb = tf.tidy(() => {
      const x = tf.tensor2d(input.subarray(start * inDim, (start + n) * inDim), [n, inDim]);
      return toEmbeddingSpace(model.predict(x) as tf.Tensor2D, scale);
    });
    out.set(emb.dataSync() as Float32Array, start * outDim);
    emb.dispose();
  }
  return out;
}

/** A CNN over centre-cropped pixels. */
export class CnnEncoder implements Encoder {
  readonly dim: number;

  constructor(
    readonly name: string,
    private readonly model: tf.LayersModel,
    private readonly inputSize: number,
    private readonly scale: number,
  ) {
    this.dim = model.outputs[0].shape[1] as number;
  }

  embedBytes(bytes: Buffer, name: string): Promise<Float32Array> {
    return this.embed([bytes], [name]);
  }

  embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    return this.embed(paths, paths, onProgress);
  }

  private async embed(inputs: (string | Buffer)[], names: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const s = this.inputSize;
    const out = new Float32Array(inputs.length * this.dim);
    for (let start = 0; start < inputs.length; start += BATCH) {
      const chunk = inputs.slice(start, start + BATCH);
      const pixels = await Promise.all(chunk.map((p, i) => loadImageTensorData(p, s, names[start + i])));
      const batch = new Float32Array(chunk.length * s * s * 3);
      pixels.forEach((px, i) => batch.set(px, i * s * s * 3));
      const emb = tf.tidy(() => toEmbeddingSpace(this.model.predict(tf.tensor4d(batch, [chunk.length, s, s, 3])) as tf.Tensor2D, this.scale));
      out.set((await emb.data()) as Float32Array, start * this.dim);
      emb.dispose();
      onProgress?.(Math.min(start + BATCH, inputs.length), inputs.length);
    }
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

export interface BackboneOptions {
  /** The features the head was trained on (default: the default backbone's). */
  spec?: FeatureSpec;
  cacheDir?: string;
  runtime?: FeatureRuntime;
  workers?: number;
  /** A backbone kept loaded (a server's queries); bulk work without one starts a worker pool per call. */
  resident?: ResidentBackbone;
}

/** Backbone features of files, one set of rows per view, by the resident backbone when there is one. */
async function backboneFeatures(
  paths: string[],
  options: BackboneOptions,
  views: readonly ViewSpec[],
  onProgress?: EmbedProgress,
): Promise<{ views: Float32Array[]; dim: number; blocks: FeatureBlock[] }> {
  if (options.resident) {
    const rows: Float32Array[] = [];
    let last: { dim: number; blocks: FeatureBlock[] } | null = null;
    for (const view of views) {
      const f = await options.resident.featurize(paths, view);
      rows.push(f.rows);
      last = f;
    }
    onProgress?.(paths.length, paths.length);
    return { views: rows, dim: last!.dim, blocks: last!.blocks };
  }
  const { resident: _, ...bulk } = options;
  const f = await (await loadBackbone()).extractBackboneFeatures(paths, {
    ...bulk,
    views: [...views],
    onProgress: onProgress ? (done, total) => onProgress(done, total) : undefined,
  });
  return { views: f.views, dim: f.dim, blocks: f.blocks };
}

/** A trained head over frozen backbone features; with several views, the mean of their embeddings. */
export class HeadEncoder implements Encoder {
  readonly dim: number;

  constructor(
    readonly name: string,
    private readonly head: tf.LayersModel,
    private readonly transform: FeatureTransform,
    private readonly scale: number,
    private readonly backbone: BackboneOptions = {},
    private readonly views: readonly ViewSpec[] = [BASE_VIEW],
  ) {
    this.dim = head.outputs[0].shape[1] as number;
  }

  async embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const f = await backboneFeatures(paths, this.backbone, this.views, onProgress);
    const perView = f.views.map((rows) => {
      const input = applyFeatureTransform(rows, f.dim, this.transform);
      return predictRows(this.head, input, paths.length, input.length / Math.max(paths.length, 1), this.scale);
    });
    return meanOfViews(perView, this.dim, this.scale);
  }

  dispose(): void {
    this.head.dispose();
  }
}

/**
 * A head that fine-tuned the backbone above a cut: the model reads the cut's activation (a
 * block of the cached row) and the frozen blocks, transformed.
 */
export class FineTunedEncoder implements Encoder {
  readonly dim: number;

  constructor(
    readonly name: string,
    private readonly model: tf.LayersModel,
    private readonly transform: FeatureTransform,
    private readonly activationBlock: string,
    private readonly scale: number,
    private readonly backbone: BackboneOptions = {},
    private readonly views: readonly ViewSpec[] = [BASE_VIEW],
  ) {
    this.dim = model.outputs[0].shape[1] as number;
  }

  async embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const f = await backboneFeatures(paths, this.backbone, this.views, onProgress);
    return meanOfViews(
      f.views.map((rows) => this.embedRows(rows, f.dim, f.blocks, paths.length)),
      this.dim,
      this.scale,
    );
  }

  private embedRows(rows: Float32Array, dim: number, blocks: FeatureBlock[], count: number): Float32Array {
    const frozen = applyFeatureTransform(rows, dim, this.transform);
    const acts = blockRows(rows, dim, blockByName(blocks, this.activationBlock));
    const shape = this.model.inputs[0].shape.slice(1) as number[];
    const actDim = shape.reduce((a, b) => a * b, 1);
    const frozenDim = frozen.length / Math.max(count, 1);
    const out = new Float32Array(count * this.dim);
    for (let start = 0; start < count; start += BATCH) {
      const n = Math.min(BATCH, count - start);
      const emb = tf.tidy(() => {
        const a = tf.tensor4d(acts.subarray(start * actDim, (start + n) * actDim), [n, ...shape] as [number, number, number, number]);
        const x = tf.tensor2d(frozen.subarray(start * frozenDim, (start + n) * frozenDim), [n, frozenDim]);
        return toEmbeddingSpace(this.model.predict([a, x]) as tf.Tensor2D, this.scale);
      });
      out.set(emb.dataSync() as Float32Array, start * this.dim);
      emb.dispose();
    }
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Frozen backbone features with no trained head: the baseline a head has to beat. */
export class BackboneFeatureEncoder implements Encoder {
  dim = 0;

  constructor(
    readonly name: string,
    private readonly use: string[] | null,
    private readonly scale: number,
    private readonly backbone: BackboneOptions = {},
  ) {}

  async embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const f = await backboneFeatures(paths, this.backbone, [BASE_VIEW], onProgress);
    const use = this.use ?? f.blocks.map((b) => b.name);
    const input = applyFeatureTransform(f.views[0], f.dim, { blocks: f.blocks, use, mean: null });
    this.dim = input.length / Math.max(paths.length, 1);
    return normaliseRows(input, this.dim, this.scale);
  }

  dispose(): void {}
}
