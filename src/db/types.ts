/**
 * What the repositories take and return. Callers depend on these, never on the generated Prisma
 * types, so the persistence layer can change without touching them.
 */
import { PainterError } from '../errors.js';

export const DATASET_LAYOUTS = ['kaggle-train-info', 'kaggle-all-data-info', 'labels-csv', 'folder-per-artist', 'unlabelled-folder'] as const;
export type DatasetLayout = (typeof DATASET_LAYOUTS)[number];

/** Artists are split train/test so evaluation measures artists the encoder never saw. */
export const ARTIST_SPLITS = ['train', 'test'] as const;
export type ArtistSplit = (typeof ARTIST_SPLITS)[number];

/**
 * 'added': paintings added through the API; 'unlabelled': imported without an artist. Neither is
 * ever used for training or evaluation.
 */
export const PAINTING_SPLITS = ['train', 'validation', 'test', 'added', 'unlabelled'] as const;
export type PaintingSplit = (typeof PAINTING_SPLITS)[number];

/** Where a row came from: a dataset import, or the server's API (which a re-import leaves alone). */
export const SOURCES = ['import', 'api'] as const;
export type Source = (typeof SOURCES)[number];

export const MODEL_STATUSES = ['training', 'complete', 'failed'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A JSON document as read back; callers validate its shape (e.g. with zod). */
export type JsonObject = Record<string, unknown>;

/**
 * The enumerated columns are plain text so new values need no ALTER TYPE; this is where they are
 * checked instead.
 */
export function assertOneOf<T extends string>(field: string, allowed: readonly T[], value: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new PainterError('INVALID_ARGUMENT', `Invalid ${field} '${value}' (expected ${allowed.join(', ')})`, {
      field,
      value,
      allowed: [...allowed],
    });
  }
  return value as T;
}

// ---- datasets ---------------------------------------------------------------------------------

export interface Dataset {
  id: number;
  name: string;
  /** Absolute path of the dataset root. */
  rootPath: string;
  layout: DatasetLayout;
  seed: number;
  stats: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface DatasetInput {
  name: string;
  rootPath: string;
  layout: DatasetLayout;
  seed: number;
  /** Counts, skipped count, …: any JSON object. */
  stats: object;
}

export interface Artist {
  id: number;
  datasetId: number;
  slug: string;
  name: string;
  split: ArtistSplit;
  paintingCount: number;
  /** 'api' while only paintings added through the API name this artist. */
  source: Source;
}

export interface ArtistInput {
  slug: string;
  name: string;
  split: ArtistSplit;
  paintingCount: number;
}

export interface Painting {
  id: number;
  datasetId: number;
  /** Null for an unlabelled painting: it is searched and compared, never counted as an artist. */
  artistId: number | null;
  /** Relative to the dataset root. */
  relPath: string;
  sha256: string;
  title: string | null;
  /** Free text: datasets write years such as "c.1890". */
  year: string | null;
  style: string | null;
  width: number;
  height: number;
  split: PaintingSplit;
  createdAt: Date;
  source: Source;
  /** Absolute path of the file the server stored for an API-added painting; null when imported. */
  storedPath: string | null;
}

/** A labelled painting with its artist (training, validation and test paintings always have one). */
export interface PaintingWithArtist extends Painting {
  artistId: number;
  artistSlug: string;
  artistName: string;
}

/** A painting as the catalog shows it: with its artist (null when unlabelled) and where its file is. */
export interface CatalogPainting extends Painting {
  artistSlug: string | null;
  artistName: string | null;
  /** Absolute: the stored file, else the dataset root joined with the relative path. */
  filePath: string;
}

export interface PaintingInput {
  /** Must name one of the artists given alongside; null for an unlabelled painting (split 'unlabelled'). */
  artistSlug: string | null;
  relPath: string;
  sha256: string;
  title?: string | null;
  year?: string | null;
  style?: string | null;
  width: number;
  height: number;
  /** 'added' is reserved for paintings added through the API. */
  split: PaintingSplit;
}

export interface SkippedFile {
  id: number;
  datasetId: number;
  relPath: string;
  reason: string;
  createdAt: Date;
}

export interface SkippedFileInput {
  relPath: string;
  reason: string;
}

/** The full contents of a dataset as the importer sees them now. */
export interface DatasetContents {
  artists: ArtistInput[];
  paintings: PaintingInput[];
  skipped: SkippedFileInput[];
}

export interface ChangeCounts {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** Painting changes at the top level; artists and skipped files alongside. */
export interface ReplaceSummary extends ChangeCounts {
  artists: ChangeCounts;
  skipped: ChangeCounts;
}

// ---- model versions ---------------------------------------------------------------------------

export interface ModelVersion {
  id: number;
  version: number;
  preset: string;
  status: ModelStatus;
  datasetId: number | null;
  config: JsonObject;
  metrics: JsonObject | null;
  /** Folder holding the model files. */
  dir: string;
  embeddingDim: number;
  /** sha256 of the weights. */
  checksum: string | null;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  /** The evaluation chosen to calibrate the model's answers; null: its newest test-split evaluation. */
  calibrationEvaluationId: number | null;
}

export interface NewModelVersion {
  /** Allocated as the next free number when omitted. */
  version?: number;
  preset: string;
  datasetId?: number | null;
  config: object;
  /** The folder, or how to name it from the allocated version. */
  dir: string | ((version: number) => string);
  embeddingDim: number;
}

export interface ModelVersionUpdate {
  preset?: string;
  datasetId?: number | null;
  config?: object;
  metrics?: object | null;
  dir?: string;
  embeddingDim?: number;
  checksum?: string | null;
}

export interface TrainingEpoch {
  id: number;
  modelVersionId: number;
  epoch: number;
  trainLoss: number;
  valTripletAccuracy: number | null;
  valAuc: number | null;
  learningRate: number;
  seconds: number;
  imagesPerSecond: number | null;
}

export interface TrainingEpochInput {
  epoch: number;
  trainLoss: number;
  valTripletAccuracy?: number | null;
  valAuc?: number | null;
  learningRate: number;
  seconds: number;
  imagesPerSecond?: number | null;
}

// ---- evaluations ------------------------------------------------------------------------------

/** The headline numbers of an evaluation result; the whole object is stored as JSON as well. */
export interface EvaluationMetrics {
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  eerThreshold: number;
  bestThreshold: number;
  bestAccuracy: number;
  /** Number of pairs scored, or the counts per kind (summed over same and different). */
  pairs: number | { same: number; different: number };
}

export interface EvaluationInput {
  /** Version number of the evaluated model; null for baselines. */
  modelVersion?: number | null;
  /** e.g. 'v3' or 'baseline:untrained:small'. */
  subject: string;
  datasetId?: number | null;
  split?: PaintingSplit | null;
  /** Set when a folder was evaluated without importing it. */
  datasetPath?: string | null;
  result: EvaluationMetrics;
}

export interface Evaluation {
  id: number;
  modelVersion: number | null;
  subject: string;
  datasetId: number | null;
  split: PaintingSplit | null;
  datasetPath: string | null;
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  eerThreshold: number;
  bestThreshold: number;
  bestAccuracy: number;
  pairs: number;
  /** The full result, including ROC points. */
  result: JsonObject;
  createdAt: Date;
}

// ---- catalog ----------------------------------------------------------------------------------

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ArtistPageQuery {
  datasetId?: number;
  split?: ArtistSplit;
  /** Case-insensitive substring of the name. */
  search?: string;
  /** 1–200. */
  limit: number;
  after?: string;
}

export interface PaintingPageQuery {
  datasetId?: number;
  artistId?: number;
  split?: PaintingSplit;
  /** Case-insensitive equality. */
  style?: string;
  /** 1–200. */
  limit: number;
  after?: string;
}

/** What indexing needs of every painting. */
export interface CorpusPainting {
  id: number;
  /** Null for an unlabelled painting. */
  artistId: number | null;
  artistName: string | null;
  split: PaintingSplit;
  style: string | null;
  filePath: string;
}

export interface NewApiPainting {
  datasetId: number;
  /** Matched to an existing artist of the dataset by slug; a new one is created otherwise. Null: unlabelled. */
  artistName: string | null;
  relPath: string;
  /** Absolute path of the stored file. */
  storedPath: string;
  sha256: string;
  title?: string | null;
  year?: string | null;
  style?: string | null;
  width: number;
  height: number;
}

// ---- index builds -----------------------------------------------------------------------------

export const INDEX_BUILD_STATUSES = ['building', 'complete', 'failed'] as const;
export type IndexBuildStatus = (typeof INDEX_BUILD_STATUSES)[number];

export interface IndexBuildParams {
  M: number;
  efConstruction: number;
  ef: number;
}

export const VECTOR_STORES = ['hnswlib', 'pgvector'] as const;
export type VectorStoreName = (typeof VECTOR_STORES)[number];

export interface IndexBuild {
  id: number;
  /** Version number of the model whose embeddings are indexed. */
  modelVersion: number;
  datasetId: number | null;
  status: IndexBuildStatus;
  /** Which store holds its vectors. */
  store: VectorStoreName;
  /** Folder holding the index file (hnswlib), or the vector table's name (pgvector). */
  dir: string;
  params: IndexBuildParams;
  dim: number;
  /** Null until complete. */
  elementCount: number | null;
  buildSeconds: number | null;
  /** sha256 of the index file. */
  checksum: string | null;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  /** The job building it, if a job does. */
  jobId: string | null;
  /** While 'building': the builder renews this; past it, the builder is gone. */
  leaseExpiresAt: Date | null;
  /** What cohort-normalised scores and the open-set features read; null when written without a cohort. */
  norms: BuildNorms | null;
}

/**
 * Measured over a build when it is written, stored with its row so every replica reads the same:
 * the cohort its paintings' radii (kept with their vectors) were measured against, and each
 * artist's spread (the mean distance of its paintings to their 3 nearest same-artist paintings).
 */
export interface BuildNorms {
  /** sha256 of the cohort's vectors; a model whose cohort changed since serves the build raw. */
  cohortSha256: string;
  /** The K and variant of the radii. */
  k: number;
  variant: string;
  /** Artist id → spread; artists with one indexed painting have none. */
  spreads: Record<string, number>;
  /** Std of the per-painting spreads around their artist's mean. */
  pooledSpreadStd: number;
}

export interface NewIndexBuild {
  modelVersion: number;
  datasetId?: number | null;
  /** The folder or table, or how to name it from the allocated id. */
  dir: string | ((id: number) => string);
  params: IndexBuildParams;
  dim: number;
  /** Default hnswlib. */
  store?: VectorStoreName;
  jobId?: string | null;
  /** The builder's lease, renewed with `renewLease` (default: none, i.e. abandoned at once if the builder stops). */
  leaseMs?: number;
}

/** The one alias every replica serves from. */
export interface IndexAlias {
  /** The active build; null before the first build. */
  buildId: number | null;
  /** Activated by hand: finished rebuilds do not move it. */
  pinned: boolean;
  /** Complete builds to keep; null means the configured default. */
  keepBuilds: number | null;
  /** Bumped on every move. */
  revision: number;
  updatedAt: Date;
}

// ---- jobs -------------------------------------------------------------------------------------

export const JOB_KINDS = ['index', 'train', 'evaluate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  /** A UUID. */
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** What the job is doing now ('queued', 'running', 'embedding', …). */
  phase: string;
  done: number;
  total: number;
  params: JsonObject;
  result: JsonObject | null;
  /** An error code (see errors.ts) once failed. */
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The replica running it. */
  owner: string | null;
  leaseExpiresAt: Date | null;
  /** A cancel was asked for (the owner stops at its next heartbeat). */
  cancelRequestedAt: Date | null;
  /** How many times it was claimed. */
  attempts: number;
}

export interface JobProgress {
  phase?: string;
  done?: number;
  total?: number;
}
