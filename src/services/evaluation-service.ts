/**
 * `painter evaluate`: embeds the paintings of a split (or of any labelled folder, without
 * importing it) with a model version or a baseline, scores them, and stores the result.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import { scanDataset } from '../dataset/scan.js';
import type { Encoder } from '../encoders/encoder.js';
import { baselineEncoder, loadEncoder, type BaselineName } from '../encoders/load-encoder.js';
import { DEFAULT_PRESET } from '../encoders/presets.js';
import { evaluateEmbeddings, type EvaluationResult } from '../evaluation/evaluate-embeddings.js';
import type { LabelledItem } from '../evaluation/pairs.js';
import { PainterError } from '../errors.js';

export type SplitName = 'train' | 'validation' | 'test';

export interface EvaluateRequest {
  /** A model version; the newest complete one when omitted (and no baseline is asked for). */
  model?: number;
  baseline?: BaselineName;
  /** Preset of the baseline network (default: the default preset). */
  preset?: string;
  split?: SplitName;
  datasetId?: number;
  /** Evaluate any labelled folder without importing it. */
  datasetPath?: string;
  seed?: number;
  triplets?: number;
  onProgress?(phase: string, done: number, total: number): void;
}

export interface EvaluateReport extends EvaluationResult {
  subject: string;
  modelVersion: number | null;
  split: SplitName | null;
  dataset: string;
  seconds: number;
  evaluationId: number;
}

async function chooseEncoder(cfg: Config, models: Repositories['models'], req: EvaluateRequest): Promise<{ encoder: Encoder; subject: string; modelVersion: number | null }> {
  const env = { cacheDir: cfg.cacheDir, workers: cfg.workers };
  if (req.baseline) {
    const preset = req.preset ?? DEFAULT_PRESET;
    const encoder = await baselineEncoder(req.baseline, preset, req.seed ?? 42, env);
    return { encoder, subject: req.baseline === 'backbone' ? 'baseline:backbone' : `baseline:untrained:${preset}`, modelVersion: null };
  }
  const model = req.model !== undefined ? await models.get(req.model) : await models.latestComplete();
  if (!model) {
    throw new PainterError('MODEL_NOT_FOUND', req.model !== undefined ? `No model version ${req.model}` : 'No trained model yet: run `painter train` first');
  }
  if (model.status !== 'complete') throw new PainterError('MODEL_NOT_FOUND', `Model v${model.version} is ${model.status}, not complete`);
  return { encoder: await loadEncoder(model.dir, env), subject: `v${model.version}`, modelVersion: model.version };
}

async function chooseItems(datasets: Repositories['datasets'], req: EvaluateRequest): Promise<{ paths: string[]; items: LabelledItem[]; dataset: string; datasetId: number | null }> {
  if (req.datasetPath) {
    const scan = await scanDataset(req.datasetPath, { onProgress: (d, t) => req.onProgress?.('scan', d, t) });
    if (scan.paintings.length === 0) throw new PainterError('DATASET_EMPTY', `No usable paintings in ${scan.root}`);
    return {
      paths: scan.paintings.map((p) => join(scan.root, p.relPath)),
      items: scan.paintings.map((p) => ({ artist: p.artist, style: p.style ?? null })),
      dataset: scan.root,
      datasetId: null,
    };
  }
  const dataset = req.datasetId !== undefined ? await datasets.findById(req.datasetId) : await datasets.latest();
  if (!dataset) throw new PainterError('DATASET_NOT_FOUND', 'No dataset imported yet: run `painter import DIR` or pass --dataset DIR');
  const split = req.split ?? 'test';
  const paintings = await datasets.listPaintings(dataset.id, split);
  if (paintings.length < 2) throw new PainterError('SPLIT_EMPTY', `The ${split} split of ${dataset.rootPath} has ${paintings.length} paintings`);
  return {
    paths: paintings.map((p) => join(dataset.rootPath, p.relPath)),
    items: paintings.map((p) => ({ artist: p.artistSlug, style: p.style ?? null })),
    dataset: dataset.rootPath,
    datasetId: dataset.id,
  };
}

export async function evaluate(cfg: Config, repos: Pick<Repositories, 'models' | 'datasets' | 'evaluations'>, req: EvaluateRequest): Promise<EvaluateReport> {
  const started = performance.now();
  const { paths, items, dataset, datasetId } = await chooseItems(repos.datasets, req);
  const { encoder, subject, modelVersion } = await chooseEncoder(cfg, repos.models, req);
  try {
    const embeddings = await encoder.embedFiles(paths, (d, t) => req.onProgress?.('embed', d, t));
    const result = evaluateEmbeddings(embeddings, embeddings.length / paths.length, items, {
      seed: req.seed ?? 42,
      triplets: req.triplets ?? 10_000,
    });
    const split = req.datasetPath ? null : (req.split ?? 'test');
    const saved = await repos.evaluations.save({
      modelVersion,
      subject,
      datasetId,
      split,
      datasetPath: req.datasetPath ? dataset : null,
      result,
    });
    return { ...result, subject, modelVersion, split, dataset, seconds: (performance.now() - started) / 1000, evaluationId: saved.id };
  } finally {
    encoder.dispose();
  }
}
