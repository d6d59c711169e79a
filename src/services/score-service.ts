/**
 * `painter score PAIRS.csv --images DIR`: the Kaggle "Painter by Numbers" submission. The pairs
 * are read twice as a stream — once to learn the distinct images (and refuse a malformed file
 * before any work), once to write `index,sameArtist` — so 22 M rows run in memory bounded by the
 * images, not the pairs. Each distinct image is embedded once with ONNX Runtime on every core
 * (through the embedding cache: an interrupted run resumes), then every pair gets the calibrated
 * probability the server's "same painter?" would give. A pair naming an image that is missing or
 * unreadable gets the stated fallback probability and the image is listed.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { ModelVersion } from '../db/types.js';
import { resolveInside } from '../dataset/paths.js';
import { PainterError } from '../errors.js';
import { embedImages, type EmbedFailure } from '../scoring/embed-images.js';
import { EmbeddingCache } from '../scoring/embedding-cache.js';
import { openPairTruth, type PairTruth } from '../scoring/pair-labels.js';
import { pairScorer } from '../scoring/pair-scorer.js';
import { openPairsCsv, type PairColumns } from '../scoring/pairs-csv.js';
import { inventoryPairs, writeSubmission } from '../scoring/submission.js';
import { CalibrationService, type CalibrationInfo } from './calibration-service.js';
import { ensureCohort } from './cohort-service.js';
import { EncoderProvider } from './encoder-provider.js';

/** No evidence either way: neutral for the ROC AUC the submission is judged by. */
export const DEFAULT_FALLBACK = 0.5;

export type ScorePhase = 'read pairs' | 'embed' | 'cohort' | 'score';

export interface ScoreRequest {
  pairsPath: string;
  imagesDir: string;
  out: string;
  /** A model version; the newest complete one when omitted. */
  model?: number;
  /** Per-image artists or a solution file: the AUC of the scored pairs is reported. */
  labels?: string;
  /** Probability written for a pair with a missing or unreadable image. */
  fallback?: number;
  onProgress?(phase: ScorePhase, done: number, total: number): void;
}

export interface SkippedImage {
  image: string;
  reason: string;
  /** Pairs that name it. */
  pairs: number;
}

export interface ScoreReport {
  out: string;
  modelVersion: number;
  columns: PairColumns['names'];
  pairs: number;
  images: { distinct: number; embedded: number; fromCache: number; failed: number };
  /** Pairs written with the fallback probability. */
  fallbackPairs: number;
  fallback: number;
  skipped: SkippedImage[];
  /** Where the skipped images are listed in full (null when none). */
  skippedFile: string | null;
  score: 'distance' | 'csls';
  calibration: CalibrationInfo;
  /** ROC AUC of the written probabilities against the labels (pairs with both images labelled). */
  auc: { value: number; positives: number; negatives: number; unlabelledPairs: number; source: string } | null;
  seconds: { read: number; embed: number; cohort: number; score: number; total: number };
  imagesPerSecond: number | null;
  pairsPerSecond: number;
  cachePath: string;
}

export function embeddingCachePath(cfg: Pick<Config, 'cacheDir'>, model: ModelVersion): string {
  return join(cfg.cacheDir, 'embeddings', `v${model.version}-${(model.checksum ?? 'unversioned').slice(0, 12)}.bin`);
}

export async function resolveCompleteModel(models: Repositories['models'], version?: number): Promise<ModelVersion> {
  const model = version !== undefined ? await models.get(version) : await models.latestComplete();
  if (!model) throw new PainterError('MODEL_NOT_FOUND', version !== undefined ? `No model version ${version}` : 'No trained model yet: run `painter train` first');
  if (model.status !== 'complete') throw new PainterError('MODEL_NOT_FOUND', `Model v${model.version} is ${model.status}, not complete`);
  return model;
}

export async function scorePairs(cfg: Config, repos: Pick<Repositories, 'models' | 'datasets' | 'evaluations'>, req: ScoreRequest): Promise<ScoreReport> {
  const t0 = performance.now();
  const fallback = req.fallback ?? DEFAULT_FALLBACK;
  if (!(fallback >= 0 && fallback <= 1)) throw new PainterError('INVALID_ARGUMENT', `The fallback probability must lie in [0, 1], not ${fallback}`, { field: 'fallback' });
  const model = await resolveCompleteModel(repos.models, req.model);
  const calibration = await new CalibrationService(repos).forModel(model.version);
  const imagesDir = resolve(req.imagesDir);
  const out = resolve(req.out);
  const truth: PairTruth | null = req.labels ? await openPairTruth(req.labels) : null;

  // Pass 1: the distinct images, and a malformed file refused before any work.
  const reader = await openPairsCsv(req.pairsPath);
  const inventory = await inventoryPairs(reader, req.pairsPath, (d, t) => req.onProgress?.('read pairs', d, t), `${out}.pairs-${process.pid}.bin`);
  const { names, uses, pairs } = inventory;
  const tRead = performance.now();

  let vectors!: Float32Array;
  let ok!: Uint8Array;
  let written!: Awaited<ReturnType<typeof writeSubmission>>;
  let radii: Float32Array | null = null;
  let embedded = 0;
  let fromCache = 0;
  let embedSeconds = 0;
  let tEmbed = tRead;
  let tCohort = tRead;
  const failures: EmbedFailure[] = [];
  const dim = model.embeddingDim;
  const cachePath = embeddingCachePath(cfg, model);
  let scoreKind: 'distance' | 'csls' = 'distance';
  try {
    // Each distinct image once, through the embedding cache.
    const paths = names.map((n) => (n === '' ? null : resolveInside(imagesDir, n)));
    const provider = new EncoderProvider(cfg);
    const encoder = provider.lazyBulk(model);
    const cache = await EmbeddingCache.open(cachePath, { modelVersion: model.version, modelChecksum: model.checksum, dim: encoder.dim });
    try {
      const valid = paths.map((p, i) => (p === null ? -1 : i)).filter((i) => i >= 0);
      for (const [i, p] of paths.entries()) {
        if (p === null) failures.push({ index: i, path: names[i], reason: names[i] === '' ? 'empty image name' : 'the name leaves the images folder' });
      }
      const result = await embedImages(encoder, valid.map((i) => paths[i]!), { cache, onProgress: (d, t) => req.onProgress?.('embed', d, t) });
      vectors = new Float32Array(names.length * encoder.dim);
      ok = new Uint8Array(names.length);
      valid.forEach((i, row) => {
        if (!result.ok[row]) return;
        vectors.set(result.vectors.subarray(row * encoder.dim, (row + 1) * encoder.dim), i * encoder.dim);
        ok[i] = 1;
      });
      for (const f of result.failures) failures.push({ ...f, index: valid[f.index], path: names[valid[f.index]] });
      embedded = result.embedded;
      fromCache = result.cached;
      embedSeconds = result.seconds;
      tEmbed = performance.now();

      // Radii against the model's cohort, when "same painter?" decides on the normalised distance.
      if (calibration.pairScore === 'csls' && calibration.csls) {
        const made = await ensureCohort(model, repos.datasets, (ps) => embedImages(encoder, ps, { cache, onProgress: (d, t) => req.onProgress?.('cohort', d, t) }));
        if (made && made.cohort.params.k === calibration.csls.params.k) {
          try {
            radii = await made.cohort.radii(vectors, undefined, (d, t) => req.onProgress?.('cohort', d, t));
          } finally {
            await made.cohort.release();
          }
        }
      }
    } finally {
      await cache.close().catch(() => undefined);
      encoder.dispose();
      await provider.close();
    }
    tCohort = performance.now();

    // Pass 2: every pair, in file order.
    const scorer = pairScorer(vectors, dim, calibration, radii);
    scoreKind = scorer.kind;
    written = await writeSubmission(reader, inventory, out, { ok, scorer, fallback, truth, onProgress: (d, t) => req.onProgress?.('score', d, t) });
  } catch (e) {
    if (inventory.spill) await rm(inventory.spill, { force: true });
    throw e;
  }
  const tScore = performance.now();

  const skipped = failures.sort((x, y) => x.index - y.index).map((f) => ({ image: names[f.index], reason: f.reason, pairs: uses[f.index] }));
  const skippedFile = skipped.length ? `${out}.skipped.csv` : null;
  if (skippedFile) await writeFile(skippedFile, 'image,reason,pairs\n' + skipped.map((s) => `${csvField(s.image)},${csvField(s.reason)},${s.pairs}`).join('\n') + '\n');
  return {
    out,
    modelVersion: model.version,
    columns: reader.columns.names,
    pairs,
    images: { distinct: names.length, embedded, fromCache, failed: failures.length },
    fallbackPairs: written.fallbackPairs,
    fallback,
    skipped,
    skippedFile,
    score: scoreKind,
    calibration: calibration.info,
    auc: written.auc,
    seconds: {
      read: (tRead - t0) / 1000,
      embed: (tEmbed - tRead) / 1000,
      cohort: (tCohort - tEmbed) / 1000,
      score: (tScore - tCohort) / 1000,
      total: (tScore - t0) / 1000,
    },
    imagesPerSecond: embedded > 0 && embedSeconds > 0 ? embedded / embedSeconds : null,
    pairsPerSecond: pairs / ((tScore - tCohort) / 1000),
    cachePath,
  };
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
