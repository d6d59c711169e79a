/**
 * `painter embed DIR --out FILE`: the embeddings of every image of a folder (labelled or not), as
 * `FILE.npy` (float32, one row per image) and `FILE.json` (the model, the files row by row, the
 * files that could not be read). Runs like `painter score`'s embedding phase: ONNX Runtime on
 * every core, each image once, resumable through the embedding cache.
 */
import { extname, resolve } from 'node:path';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import { IMAGE_EXTENSIONS } from '../dataset/paths.js';
import { listFiles } from '../dataset/scan-unlabelled.js';
import { readManifest } from '../encoders/model-manifest.js';
import { PainterError } from '../errors.js';
import { embedImages } from '../scoring/embed-images.js';
import { EmbeddingCache } from '../scoring/embedding-cache.js';
import { writeNpy } from '../scoring/npy.js';
import { writeJsonAtomic } from '../util/files.js';
import { EncoderProvider } from './encoder-provider.js';
import { embeddingCachePath, resolveCompleteModel } from './score-service.js';

export interface EmbedRequest {
  dir: string;
  /** `x.npy` or `x`: writes x.npy and x.json. */
  out: string;
  model?: number;
  onProgress?(done: number, total: number): void;
}

export interface EmbedReport {
  npy: string;
  index: string;
  modelVersion: number;
  rows: number;
  dim: number;
  failed: { file: string; reason: string }[];
  /** Files below the folder that are not images by their extension (not tried). */
  ignored: number;
  fromCache: number;
  seconds: number;
  imagesPerSecond: number | null;
}

export async function embedFolder(cfg: Config, repos: Pick<Repositories, 'models'>, req: EmbedRequest): Promise<EmbedReport> {
  const started = performance.now();
  const model = await resolveCompleteModel(repos.models, req.model);
  const root = resolve(req.dir);
  const all = await listFiles(root);
  const files = all.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()));
  if (files.length === 0) throw new PainterError('DATASET_EMPTY', `No image files in ${root}`, { dir: root });
  const base = resolve(req.out).replace(/\.(npy|json)$/i, '');
  const manifest = await readManifest(model.dir);
  const provider = new EncoderProvider(cfg);
  const encoder = provider.lazyBulk(model);
  const cache = await EmbeddingCache.open(embeddingCachePath(cfg, model), { modelVersion: model.version, modelChecksum: model.checksum, dim: encoder.dim });
  let result;
  try {
    result = await embedImages(encoder, files.map((f) => join(root, f)), { cache, onProgress: req.onProgress });
  } finally {
    await cache.close().catch(() => undefined);
    encoder.dispose();
    await provider.close();
  }
  const rows = files.map((_, i) => i).filter((i) => result.ok[i]);
  const matrix = new Float32Array(rows.length * result.dim);
  rows.forEach((i, r) => matrix.set(result.vectors.subarray(i * result.dim, (i + 1) * result.dim), r * result.dim));
  const npy = `${base}.npy`;
  const index = `${base}.json`;
  await writeNpy(npy, matrix, result.dim);
  const failed = result.failures.map((f) => ({ file: files[f.index], reason: f.reason }));
  await writeJsonAtomic(index, {
    format: 'painter-embeddings/1',
    npy: npy.split('/').pop(),
    dtype: 'float32',
    shape: [rows.length, result.dim],
    root,
    model: { version: model.version, preset: model.preset, checksum: model.checksum, embeddingScale: manifest.embeddingScale },
    metric: 'euclidean',
    createdAt: new Date().toISOString(),
    files: rows.map((i) => files[i]),
    failed,
  });
  return {
    npy,
    index,
    modelVersion: model.version,
    rows: rows.length,
    dim: result.dim,
    failed,
    ignored: all.length - files.length,
    fromCache: result.cached,
    seconds: (performance.now() - started) / 1000,
    imagesPerSecond: result.embedded > 0 && result.seconds > 0 ? result.embedded / result.seconds : null,
  };
}
