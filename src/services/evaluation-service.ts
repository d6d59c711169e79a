/**
 * `painter evaluate`: embeds the paintings of a split (or of any labelled folder, without
 * importing it) with a model version or a baseline, scores them, and stores the result.
 *
 * Besides the pair figures of the raw distance it measures, against the corpus the server would
 * index (the dataset's training and validation paintings plus the evaluated ones):
 * - the cohort-normalised distance (CSLS) on the same pairs, for a sweep of K and both variants;
 * - top-1 / top-5 nearest artist of every evaluated painting, ranked by raw and by CSLS distances;
 * - the open-set protocol: whether a query's neighbourhood tells an indexed artist from an
 *   unindexed one, every candidate score measured, the best calibrated into the served rule.
 * The cohort (the model's training paintings' embeddings) is stored with the model on the way.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { ModelVersion, PaintingWithArtist } from '../db/types.js';
import { scanDataset } from '../dataset/scan.js';
import { trainingArtistsOf } from '../dataset/training-artists.js';
import type { Encoder } from '../encoders/encoder.js';
import { baselineEncoder, loadEncoder, type BaselineName } from '../encoders/load-encoder.js';
import { readManifest } from '../encoders/model-manifest.js';
import { DEFAULT_PRESET } from '../encoders/presets.js';
import { evaluateCsls, type CslsEvaluation } from '../evaluation/evaluate-csls.js';
import { drawEvaluationPairs, evaluateEmbeddings, type EvaluationResult } from '../evaluation/evaluate-embeddings.js';
import { evaluateRanking, type RankingEvaluation } from '../evaluation/evaluate-ranking.js';
import { exactNeighbours } from '../evaluation/exact-neighbours.js';
import { identificationAccuracy, type IdentificationResult } from '../evaluation/identify.js';
import { measureOpenSet, runOpenSetProtocol, type OpenSetEvaluation } from '../evaluation/open-set-protocol.js';
import type { LabelledItem } from '../evaluation/pairs.js';
import { PainterError } from '../errors.js';
import { Cohort, COHORT_SEED, cohortPaintings, loadCohort, saveCohort } from '../scoring/cohort.js';
import { CSLS_K_SWEEP, DEFAULT_CSLS, radiiFrom } from '../scoring/csls.js';
import { NearestDistances } from '../scoring/nearest-distances.js';
import { OPEN_SET_CONFIDENCE } from '../scoring/open-set.js';
import { DEFAULT_NEIGHBOURS } from '../search/aggregate-artists.js';
import { EncoderProvider } from './encoder-provider.js';

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
  /** Also measure against the corpus: CSLS, nearest-artist accuracy, open set (default true). */
  neighbourhood?: boolean;
  onProgress?(phase: string, done: number, total: number): void;
}

/** What an evaluation measures beyond pairs of the evaluated paintings. */
export interface NeighbourhoodFigures {
  csls: CslsEvaluation;
  ranking: RankingEvaluation;
  /** Null when there are too few artists to hold half of them out. */
  openSet: OpenSetEvaluation | null;
  /** The gallery the evaluated paintings were queried against. */
  gallery: { paintings: number; artists: number };
}

export interface StoredEvaluationResult extends EvaluationResult, Partial<NeighbourhoodFigures> {
  /** Top-1 / top-5 artist of each evaluated painting against the whole corpus (its own image left out). */
  identification?: IdentificationResult;
}

export interface EvaluateReport extends StoredEvaluationResult {
  identification: IdentificationResult;
  subject: string;
  modelVersion: number | null;
  split: SplitName | null;
  dataset: string;
  seconds: number;
  evaluationId: number;
}

/** Held-out known/unknown assignments of artists per evaluation: more repeats, less noise. */
const OPEN_SET_REPEATS = 4;
/** Fewer query artists than this cannot be halved into known and unknown ones and folded. */
const MIN_OPEN_SET_ARTISTS = 4;

interface Chosen {
  encoder: Encoder;
  subject: string;
  model: ModelVersion | null;
  close(): Promise<void>;
}

async function chooseEncoder(cfg: Config, models: Repositories['models'], req: EvaluateRequest): Promise<Chosen> {
  const env = { cacheDir: cfg.cacheDir, workers: cfg.workers };
  if (req.baseline) {
    const preset = req.preset ?? DEFAULT_PRESET;
    const encoder = await baselineEncoder(req.baseline, preset, req.seed ?? 42, env);
    return { encoder, subject: req.baseline === 'backbone' ? 'baseline:backbone' : `baseline:untrained:${preset}`, model: null, close: async () => encoder.dispose() };
  }
  const model = req.model !== undefined ? await models.get(req.model) : await models.latestComplete();
  if (!model) {
    throw new PainterError('MODEL_NOT_FOUND', req.model !== undefined ? `No model version ${req.model}` : 'No trained model yet: run `painter train` first');
  }
  if (model.status !== 'complete') throw new PainterError('MODEL_NOT_FOUND', `Model v${model.version} is ${model.status}, not complete`);
  refuseSeenArtists(model, req);
  // A head over cached backbone features is fastest on tfjs (the features of imported paintings
  // are cached); a CNN runs on ONNX Runtime where it has an export, many times faster than tfjs.
  if ((await readManifest(model.dir)).kind === 'head') {
    const encoder = await loadEncoder(model.dir, env);
    return { encoder, subject: `v${model.version}`, model, close: async () => encoder.dispose() };
  }
  const provider = new EncoderProvider(cfg);
  const encoder = await provider.bulk(model);
  return {
    encoder,
    subject: `v${model.version}`,
    model,
    close: async () => {
      encoder.dispose();
      await provider.close();
    },
  };
}

/**
 * A model trained on every artist (`--all-artists`) has seen its dataset's test split: evaluating
 * it there would report seen artists as unseen ones. Another folder, or the validation split, may
 * still be measured.
 */
function refuseSeenArtists(model: ModelVersion, req: EvaluateRequest): void {
  if (req.datasetPath || (req.split ?? 'test') !== 'test' || trainingArtistsOf(model.config) !== 'all') return;
  if (req.datasetId !== undefined && req.datasetId !== model.datasetId) return;
  throw new PainterError(
    'EVALUATION_NOT_HELD_OUT',
    `Model v${model.version} trained on every artist of its dataset (--all-artists), the test split's too: it has no held-out evaluation. Evaluate the same configuration trained without --all-artists (it also calibrates this model), or another folder with --dataset DIR`,
    { version: model.version },
  );
}

interface EvaluatedItems {
  paths: string[];
  items: LabelledItem[];
  /** Painting ids (null for a folder evaluated without importing it). */
  ids: (number | null)[];
  /** The images' content hashes: a corpus copy of an evaluated image is left out of its gallery. */
  sha256: string[];
  dataset: string;
  datasetId: number | null;
}

async function chooseItems(datasets: Repositories['datasets'], req: EvaluateRequest, model: ModelVersion | null): Promise<EvaluatedItems> {
  if (req.datasetPath) {
    const scan = await scanDataset(req.datasetPath, { onProgress: (d, t) => req.onProgress?.('scan', d, t) });
    if (scan.paintings.length === 0) throw new PainterError('DATASET_EMPTY', `No usable paintings in ${scan.root}`);
    return {
      paths: scan.paintings.map((p) => join(scan.root, p.relPath)),
      items: scan.paintings.map((p) => ({ artist: p.artist, style: p.style ?? null })),
      ids: scan.paintings.map(() => null),
      sha256: scan.paintings.map((p) => p.sha256),
      dataset: scan.root,
      datasetId: null,
    };
  }
  // A model is evaluated on its own dataset's split unless told otherwise.
  const datasetId = req.datasetId ?? model?.datasetId ?? undefined;
  const dataset = datasetId !== undefined ? await datasets.findById(datasetId) : await datasets.latest();
  if (!dataset) throw new PainterError('DATASET_NOT_FOUND', 'No dataset imported yet: run `painter import DIR` or pass --dataset DIR');
  const split = req.split ?? 'test';
  const paintings = labelled(await datasets.listPaintings(dataset.id, split));
  if (paintings.length < 2) throw new PainterError('SPLIT_EMPTY', `The ${split} split of ${dataset.rootPath} has ${paintings.length} paintings`);
  return {
    paths: paintings.map((p) => join(dataset.rootPath, p.relPath)),
    items: paintings.map((p) => ({ artist: p.artistSlug, style: p.style ?? null })),
    ids: paintings.map((p) => p.id),
    sha256: paintings.map((p) => p.sha256),
    dataset: dataset.rootPath,
    datasetId: dataset.id,
  };
}

function labelled(paintings: PaintingWithArtist[]): (PaintingWithArtist & { artistSlug: string })[] {
  return paintings.filter((p): p is PaintingWithArtist & { artistSlug: string } => p.artistSlug !== null);
}

export async function evaluate(cfg: Config, repos: Pick<Repositories, 'models' | 'datasets' | 'evaluations'>, req: EvaluateRequest): Promise<EvaluateReport> {
  const started = performance.now();
  const chosen = await chooseEncoder(cfg, repos.models, req);
  const { encoder, subject, model } = chosen;
  try {
    const evaluated = await chooseItems(repos.datasets, req, model);
    const { paths, items, dataset, datasetId } = evaluated;
    const embeddings = await encoder.embedFiles(paths, (d, t) => req.onProgress?.('embed', d, t));
    const dim = embeddings.length / paths.length;
    const seed = req.seed ?? 42;
    const pairs = drawEvaluationPairs(items, { seed, triplets: req.triplets ?? 10_000 });
    const scored = evaluateEmbeddings(embeddings, dim, items, { seed }, pairs);
    const gallery = await galleryOf(repos, req, encoder, model, evaluated);
    const identification = await identify(gallery, evaluated, embeddings, dim, req);
    const result: StoredEvaluationResult & { identification: IdentificationResult } = { ...scored, identification };
    if (gallery && (req.neighbourhood ?? true)) {
      const figures = await neighbourhoodFigures(req, { model, evaluated, embeddings, dim, pairs, seed, gallery });
      if (figures) Object.assign(result, figures);
    }
    const split = req.datasetPath ? null : (req.split ?? 'test');
    const saved = await repos.evaluations.save({
      modelVersion: model?.version ?? null,
      subject,
      datasetId,
      split,
      datasetPath: req.datasetPath ? dataset : null,
      result,
    });
    return { ...result, subject, modelVersion: model?.version ?? null, split, dataset, seconds: (performance.now() - started) / 1000, evaluationId: saved.id };
  } finally {
    await chosen.close();
  }
}

/** The paintings the evaluated ones are queried against, as a served index would hold them, embedded. */
interface Gallery {
  dataset: { id: number; rootPath: string };
  paintings: (PaintingWithArtist & { artistSlug: string })[];
  vectors: Float32Array;
}

/**
 * The gallery is the training and validation paintings of the model's dataset (for a folder
 * evaluated without importing it), or of the evaluated dataset. Null without one.
 */
async function galleryOf(repos: Pick<Repositories, 'datasets'>, req: EvaluateRequest, encoder: Encoder, model: ModelVersion | null, evaluated: EvaluatedItems): Promise<Gallery | null> {
  const galleryDatasetId = evaluated.datasetId ?? model?.datasetId ?? (await repos.datasets.latest())?.id ?? null;
  const dataset = galleryDatasetId !== null ? await repos.datasets.findById(galleryDatasetId) : null;
  if (!dataset) return null;
  // An evaluated image is never in its own gallery, also when a folder holds copies of corpus paintings.
  const evaluatedIds = new Set(evaluated.ids.filter((id): id is number => id !== null));
  const evaluatedImages = new Set(evaluated.sha256);
  const paintings = labelled(await repos.datasets.listPaintings(dataset.id, ['train', 'validation'])).filter((p) => !evaluatedIds.has(p.id) && !evaluatedImages.has(p.sha256));
  const vectors = await encoder.embedFiles(
    paintings.map((p) => join(dataset.rootPath, p.relPath)),
    (d, t) => req.onProgress?.('embed gallery', d, t),
  );
  return { dataset, paintings, vectors };
}

/** "Who painted this?" as the server answers it: each evaluated painting against the gallery and the other evaluated ones. */
async function identify(gallery: Gallery | null, evaluated: EvaluatedItems, embeddings: Float32Array, dim: number, req: EvaluateRequest): Promise<IdentificationResult> {
  const n = evaluated.paths.length;
  req.onProgress?.('identify', 0, n);
  const galleryRows = gallery?.paintings.length ?? 0;
  const corpus = new Float32Array((galleryRows + n) * dim);
  if (gallery) corpus.set(gallery.vectors, 0);
  corpus.set(embeddings, galleryRows * dim);
  const artistIds = new Map<string, number>();
  const artistOf = [...(gallery?.paintings.map((p) => p.artistSlug) ?? []), ...evaluated.items.map((i) => i.artist)].map(
    (a) => artistIds.get(a) ?? artistIds.set(a, artistIds.size).get(a)!,
  );
  const own = Array.from({ length: n }, (_, i) => galleryRows + i);
  const neighbours = await exactNeighbours(corpus, dim, embeddings, DEFAULT_NEIGHBOURS, own);
  const result = identificationAccuracy(neighbours, own.map((r) => artistOf[r]), artistOf, galleryRows + n);
  req.onProgress?.('identify', n, n);
  return result;
}

interface FigureInputs {
  gallery: Gallery;
  model: ModelVersion | null;
  evaluated: EvaluatedItems;
  embeddings: Float32Array;
  dim: number;
  pairs: ReturnType<typeof drawEvaluationPairs>;
  seed: number;
}

/** CSLS, the nearest-artist ranking and the open-set protocol over the gallery; null without training paintings. */
async function neighbourhoodFigures(req: EvaluateRequest, { gallery: g, model, evaluated, embeddings, dim, pairs, seed }: FigureInputs): Promise<NeighbourhoodFigures | null> {
  const { dataset: galleryDataset, paintings: gallery, vectors: galleryVectors } = g;
  const training = gallery.filter((p) => p.split === 'train');
  if (training.length === 0) return null;

  // The cohort: the training paintings (a seeded sample of a large set), stored with a model.
  const members = cohortPaintings(training, COHORT_SEED);
  const rowOfId = new Map(gallery.map((p, row) => [p.id, row]));
  const cohortVectors = new Float32Array(members.length * dim);
  members.forEach((p, i) => cohortVectors.set(galleryVectors.subarray(rowOfId.get(p.id)! * dim, (rowOfId.get(p.id)! + 1) * dim), i * dim));
  const cohort = new Cohort(cohortVectors, dim, members.map((p) => p.id), DEFAULT_CSLS);
  if (model && model.datasetId === galleryDataset.id) {
    const stored = await loadCohort(model.dir);
    const same = stored && stored.manifest.paintingIds.length === members.length && stored.manifest.paintingIds.every((id, i) => id === members[i].id);
    if (!same) await saveCohort(model.dir, cohort, { modelVersion: model.version, datasetId: galleryDataset.id, seed: COHORT_SEED });
  }

  // Reference rows: the gallery, then the evaluated paintings.
  const n = gallery.length + evaluated.paths.length;
  const vectors = new Float32Array(n * dim);
  vectors.set(galleryVectors, 0);
  vectors.set(embeddings, gallery.length * dim);
  const ids = [...gallery.map((p) => p.id), ...evaluated.ids];
  const kMax = Math.min(Math.max(...CSLS_K_SWEEP), cohort.size);
  const cohortDistances = await cohort.nearestDistances(vectors, kMax, ids, (d, t) => req.onProgress?.('cohort', d, t));
  await cohort.release();
  const radii = radiiFrom(cohortDistances, kMax, Math.min(DEFAULT_CSLS.k, kMax));
  const csls = evaluateCsls(embeddings, dim, pairs, cohortDistances.subarray(gallery.length * kMax), kMax, DEFAULT_CSLS, cohort.size);

  const artistIndex = new Map<string, number>();
  const artists = Int32Array.from([...gallery.map((p) => p.artistSlug), ...evaluated.items.map((i) => i.artist)], (a) => {
    if (!artistIndex.has(a)) artistIndex.set(a, artistIndex.size);
    return artistIndex.get(a)!;
  });
  const nearest = await NearestDistances.create(vectors, dim);
  try {
    const queries = evaluated.paths.map((_, i) => gallery.length + i);
    const ranking = await evaluateRanking({ vectors, dim, artists, radii, nearest, queries, neighbours: DEFAULT_NEIGHBOURS });
    let openSet: OpenSetEvaluation | null = null;
    if (new Set(evaluated.items.map((i) => i.artist)).size >= MIN_OPEN_SET_ARTISTS) {
      const protocol = { vectors, dim, artists, radii, nearest, seed, repeats: OPEN_SET_REPEATS, neighbours: DEFAULT_NEIGHBOURS, ranking: ranking.chosen };
      const run = await runOpenSetProtocol({ ...protocol, queries, onProgress: (d, t) => req.onProgress?.('open set', d, t) });
      const validation = gallery.map((p, row) => (p.split === 'validation' ? row : -1)).filter((r) => r >= 0);
      const trainingArtists = new Set(validation.map((r) => artists[r]));
      const training =
        trainingArtists.size >= MIN_OPEN_SET_ARTISTS
          ? await runOpenSetProtocol({ ...protocol, queries: validation, onProgress: (d, t) => req.onProgress?.('open set (training artists)', d, t) })
          : null;
      openSet = measureOpenSet(run, training, { seed, confidence: OPEN_SET_CONFIDENCE, repeats: OPEN_SET_REPEATS, neighbours: DEFAULT_NEIGHBOURS, ranking: ranking.chosen });
    }
    return { csls, ranking, openSet, gallery: { paintings: gallery.length, artists: new Set(gallery.map((p) => p.artistSlug)).size } };
  } finally {
    await nearest.release();
  }
}
