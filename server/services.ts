/**
 * Everything the HTTP and GraphQL layers may call. Routes and resolvers stay thin: they validate
 * input, call one of these, and serialise the answer. The real implementations live in
 * `src/services/`; tests can hand in fakes.
 */
import type { Artist, Page, PaintingSplit } from '../src/db/types.js';
import type { AddPainting } from '../src/services/catalog-service.js';
import type { EmbeddingMap } from '../src/services/embedding-map-service.js';
import type { StartTraining } from '../src/services/job-service.js';
import type {
  NearestArtistsResult,
  PaintingSummary,
  QueryImage,
  SearchFilters,
  SimilarPaintingsResult,
  VerifyResult,
} from '../src/search/types.js';

import type { ApiJob, BuildList } from './http/responses.js';

export type { BuildList, EmbeddingMap, Page };

export interface PageRequest {
  /** 1–200, default 50. */
  limit?: number;
  after?: string | null;
}

export interface ArtistSummary extends Pick<Artist, 'id' | 'name' | 'slug' | 'split' | 'paintingCount'> {}

export interface ModelSummary {
  version: number;
  preset: string;
  status: 'training' | 'complete' | 'failed';
  embeddingDim: number;
  createdAt: string;
  completedAt: string | null;
  metrics: Record<string, unknown> | null;
  epochs: { epoch: number; trainLoss: number; valTripletAccuracy: number | null; valAuc: number | null; learningRate: number; seconds: number }[];
}

export interface RocPoint {
  threshold: number;
  tpr: number;
  fpr: number;
}

export interface RocEvaluation {
  id: number;
  modelVersion: number | null;
  subject: string;
  split: string | null;
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  eerThreshold: number;
  bestThreshold: number;
  bestAccuracy: number;
  pairs: number;
  roc: RocPoint[];
  /** Distance histograms of same-artist and different-artist pairs, when stored. */
  histograms: { binWidth: number; same: number[]; different: number[] } | null;
  createdAt: string;
}

export interface IndexStatus {
  /** The index answering queries now, or null when none is loaded. */
  serving: {
    id: number;
    modelVersion: number;
    /** Where its vectors live. */
    store: 'hnswlib' | 'pgvector';
    elementCount: number;
    params: { M: number; efConstruction: number; ef: number };
    buildSeconds: number | null;
    createdAt: string;
  } | null;
  /** The build the alias names (every replica converges on it); differs from `serving.id` only while this replica catches up. */
  activeBuildId: number | null;
  /** A build was activated by hand: finished rebuilds do not replace it. */
  pinned: boolean;
  /** A rebuild in progress, if any. */
  building: { jobId: string; phase: string; progress: { done: number; total: number } } | null;
}

export type JobKind = ApiJob['kind'];
export type JobStatus = ApiJob['status'];

/** A job as the API shows it; `phase` says what it is doing now, e.g. 'embedding', 'building', 'swapping', 'training epoch 3/12'. */
export type Job = ApiJob;

export interface StartIndexJob {
  modelVersion?: number;
}

/** What a training job may set; the rest comes from the preset. */
export type StartTrainJob = StartTraining;

export interface StartEvaluateJob {
  modelVersion?: number;
}

export type AddPaintingInput = AddPainting;

export interface StoredUpload {
  id: string;
  width: number;
  height: number;
  /** Uploads are kept for this long, then deleted. */
  expiresAt: string;
}

export interface ServerServices {
  query: {
    nearestArtists(image: QueryImage, options: { k?: number; neighbours?: number; filters?: SearchFilters }): Promise<NearestArtistsResult>;
    similarPaintings(image: QueryImage, options: { k?: number; filters?: SearchFilters }): Promise<SimilarPaintingsResult>;
    verify(a: QueryImage, b: QueryImage): Promise<VerifyResult>;
  };
  uploads: {
    /** Validates the image (decodable, pixel limit) and keeps it for later queries by id. */
    store(bytes: Buffer, filename?: string): Promise<StoredUpload>;
  };
  catalog: {
    artists(page: PageRequest & { split?: 'train' | 'test'; search?: string }): Promise<Page<ArtistSummary>>;
    artist(id: number): Promise<ArtistSummary>;
    paintings(page: PageRequest & { artistId?: number; split?: PaintingSplit; style?: string }): Promise<Page<PaintingSummary>>;
    painting(id: number): Promise<PaintingSummary>;
    /** The original file, for `GET /api/paintings/:id/image`. */
    imageFile(id: number): Promise<{ path: string; contentType: string }>;
    /** A JPEG thumbnail (longest side `size` px), cached on disk. */
    thumbnail(id: number, size?: number): Promise<{ path: string; contentType: string }>;
    /** Adds a painting to the corpus and to the live index. */
    addPainting(input: AddPaintingInput): Promise<PaintingSummary>;
    /** Removes a painting from the live index and the corpus. */
    removePainting(id: number): Promise<{ id: number; removed: true }>;
  };
  models: {
    list(): Promise<ModelSummary[]>;
    get(version: number): Promise<ModelSummary>;
    /** The latest stored evaluation of the model (default: the serving model) on the test split. */
    rocEvaluation(version?: number): Promise<RocEvaluation>;
  };
  index: {
    status(): Promise<IndexStatus>;
    /** The serving index's paintings laid out in 2-D (UMAP), sampled down to `limit` (1–2000, default 1000). */
    embeddingMap(options: { limit?: number }): Promise<EmbeddingMap>;
    /** Every build, newest first, with the alias and the retention setting. */
    builds(): Promise<BuildList>;
    /** Moves the alias to a complete build (default pinned: rebuilds then leave it serving). */
    activate(id: number, options: { pin?: boolean }): Promise<BuildList>;
    /** Lets the next finished rebuild take over again. */
    unpin(): Promise<BuildList>;
    /** How many complete builds to keep; older ones are deleted now. */
    setRetention(keep: number): Promise<BuildList>;
  };
  jobs: {
    startIndex(input: StartIndexJob): Promise<Job>;
    startTraining(input: StartTrainJob): Promise<Job>;
    startEvaluation(input: StartEvaluateJob): Promise<Job>;
    get(id: string): Promise<Job>;
    list(): Promise<Job[]>;
    /** Asks a job to stop, on whichever replica runs it; a queued one is cancelled at once. */
    cancel(id: string): Promise<Job>;
  };
  health: {
    /** Database reachable and an index loaded; `reasons` names what is missing. */
    ready(): Promise<{ ready: boolean; database: boolean; index: boolean; reasons: string[] }>;
  };
}
