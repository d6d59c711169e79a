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
import { exactNeighbours } from '../evaluation/exact-neighbours.js';
import { identificationAccuracy, type IdentificationResult } from '../evaluation/identify.js';
import { DEFAULT_NEIGHBOURS } from '../search/aggregate-artists.js';

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
  /** Top-1 / top-5 artist of each evaluated painting against the whole corpus (its own image left out). */
  identification: IdentificationResult;
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

interface ChosenItems {
  /** Every painting embedded: the evaluated ones and the corpus they are identified against. */
  paths: string[];
  items: LabelledItem[];
  /** Indices into paths of the evaluated paintings (pairs, triplets and identification queries). */
  evaluated: number[];
  dataset: string;
  datasetId: number | null;
}

async function chooseItems(datasets: Repositories['datasets'], req: EvaluateRequest): Promise<ChosenItems> {
  if (req.datasetPath) {
    const scan = await scanDataset(req.datasetPath, { onProgress: (d, t) => req.onProgress?.('scan', d, t) });
    if (scan.paintings.length === 0) throw new PainterError('DATASET_EMPTY', `No usable paintings in ${scan.root}`);
    return {
      paths: scan.paintings.map((p) => join(scan.root, p.relPath)),
      items: scan.paintings.map((p) => ({ artist: p.artist, style: p.style ?? null })),
      evaluated: scan.paintings.map((_, i) => i),
      dataset: scan.root,
      datasetId: null,
    };
  }
  const dataset = req.datasetId !== undefined ? await datasets.findById(req.datasetId) : await datasets.latest();
  if (!dataset) throw new PainterError('DATASET_NOT_FOUND', 'No dataset imported yet: run `painter import DIR` or pass --dataset DIR');
  const split = req.split ?? 'test';
  // The whole dataset is the corpus the split's paintings are identified against, as a served index holds it.
  const paintings = await datasets.listPaintings(dataset.id);
  const evaluated = paintings.flatMap((p, i) => (p.split === split ? [i] : []));
  if (evaluated.length < 2) throw new PainterError('SPLIT_EMPTY', `The ${split} split of ${dataset.rootPath} has ${evaluated.length} paintings`);
  return {
    paths: paintings.map((p) => join(dataset.rootPath, p.relPath)),
    items: paintings.map((p) => ({ artist: p.artistSlug, style: p.style ?? null })),
    evaluated,
    dataset: dataset.rootPath,
    datasetId: dataset.id,
  };
}

export async function evaluate(cfg: Config, repos: Pick<Repositories, 'models' | 'datasets' | 'evaluations'>, req: EvaluateRequest): Promise<EvaluateReport> {
  const started = performance.now();
  const { paths, items, evaluated, dataset, datasetId } = await chooseItems(repos.datasets, req);
  const { encoder, subject, modelVersion } = await chooseEncoder(cfg, repos.models, req);
  try {
    const corpus = await encoder.embedFiles(paths, (d, t) => req.onProgress?.('embed', d, t));
    const dim = corpus.length / paths.length;
    const embeddings = new Float32Array(evaluated.length * dim);
    evaluated.forEach((i, r) => embeddings.set(corpus.subarray(i * dim, (i + 1) * dim), r * dim));
    const scored = evaluated.map((i) => items[i]);
    const pairs = evaluateEmbeddings(embeddings, dim, scored, { seed: req.seed ?? 42, triplets: req.triplets ?? 10_000 });
    req.onProgress?.('identify', 0, evaluated.length);
    const artistIds = new Map<string, number>();
    const artistOf = items.map((it) => artistIds.get(it.artist) ?? artistIds.set(it.artist, artistIds.size).get(it.artist)!);
    const neighbours = await exactNeighbours(corpus, dim, embeddings, DEFAULT_NEIGHBOURS, evaluated);
    const identification = identificationAccuracy(neighbours, evaluated.map((i) => artistOf[i]), artistOf, paths.length);
    req.onProgress?.('identify', evaluated.length, evaluated.length);
    const result = { ...pairs, identification };
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
