/**
 * Everything the HTTP and GraphQL layers may call. Routes and resolvers stay thin: they validate
 * input, call one of these, and serialise the answer. The real implementations live in
 * `src/services/`; tests can hand in fakes.
 */
import type { Artist, Page, PaintingSplit } from '../src/db/types.js';
import type { AddPainting } from '../src/services/catalog-service.js';
import type { CalibrationInfo } from '../src/services/calibration-service.js';
import type { EmbeddingMap } from '../src/services/embedding-map-service.js';
import type { StartTraining } from '../src/services/job-service.js';
import type {
  BatchImage,
  BatchResult,
  NearestArtistsResult,
  PaintingSummary,
  QueryImage,
  SearchFilters,
  SimilarPaintingsResult,
  VerifyResult,
} from '../src/search/types.js';

export type { BatchResult, CalibrationInfo, EmbeddingMap, Page };

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
  /** Which evaluation calibrates the model's answers, and what it decided. */
  calibration: CalibrationInfo;
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
  /** Distance histograms of same-artist and different-artist pairs, when stored (bins from `min`). */
  histograms: Histograms | null;
  /** The cohort-normalised distance on the same pairs; null for older evaluations. */
  csls: {
    k: number;
    variant: string;
    auc: number;
    aucSameStyle: number | null;
    tripletAccuracy: number;
    bestThreshold: number;
    cohortPaintings: number;
    histograms: Histograms | null;
  } | null;
  /** Top-1 / top-5 nearest artist of the evaluated paintings against the corpus, raw and cohort-normalised. */
  ranking: { queries: number; raw: TopK; csls: TopK | null; chosen: 'raw' | 'csls' } | null;
  /** The open-set protocol: every candidate score, the chosen one's reliability and verdicts. */
  openSet: {
    chosen: string;
    knownQueries: number;
    unknownQueries: number;
    scores: { score: string; auroc: number; accuracy: number; ece: number }[];
    reliability: { lo: number; hi: number; count: number; meanPredicted: number; observed: number }[];
    ece: number;
    confidence: number;
    coverage: number;
    verdictAccuracy: number | null;
  } | null;
  createdAt: string;
}

export interface Histograms {
  min: number;
  binWidth: number;
  same: number[];
  different: number[];
}

export interface TopK {
  top1: number;
  top5: number;
}

export interface IndexStatus {
  /** The index answering queries now, or null when none is loaded. */
  serving: {
    id: number;
    modelVersion: number;
    elementCount: number;
    params: { M: number; efConstruction: number; ef: number };
    buildSeconds: number | null;
    createdAt: string;
  } | null;
  /** A rebuild in progress, if any. */
  building: { jobId: string; phase: string; progress: { done: number; total: number } } | null;
}

export type JobKind = 'index' | 'train' | 'evaluate';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** What it is doing now, e.g. 'embedding', 'building', 'swapping', 'training epoch 3/12'. */
  phase: string;
  progress: { done: number; total: number };
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

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

export interface NearestArtistsOptions {
  k?: number;
  neighbours?: number;
  filters?: SearchFilters;
}

export interface SimilarPaintingsOptions {
  k?: number;
  filters?: SearchFilters;
}

export interface ServerServices {
  query: {
    nearestArtists(image: QueryImage, options: NearestArtistsOptions): Promise<NearestArtistsResult>;
    similarPaintings(image: QueryImage, options: SimilarPaintingsOptions): Promise<SimilarPaintingsResult>;
    verify(a: QueryImage, b: QueryImage): Promise<VerifyResult>;
    /** One answer per image, in order; a bad image answered with its error while the rest are answered. */
    nearestArtistsMany(images: BatchImage[], options: NearestArtistsOptions): Promise<BatchResult<NearestArtistsResult>>;
    similarPaintingsMany(images: BatchImage[], options: SimilarPaintingsOptions): Promise<BatchResult<SimilarPaintingsResult>>;
    verifyMany(pairs: [BatchImage, BatchImage][]): Promise<BatchResult<VerifyResult>>;
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
    /** The evaluation calibrating the model (default: the serving model): its test-split one unless another was chosen. */
    rocEvaluation(version?: number): Promise<RocEvaluation>;
    /** Chooses the evaluation that calibrates the model; null returns to its newest test-split evaluation. */
    chooseCalibration(version: number, evaluationId: number | null): Promise<ModelSummary>;
  };
  index: {
    status(): Promise<IndexStatus>;
    /** The serving index's paintings laid out in 2-D (UMAP), sampled down to `limit` (1–2000, default 1000). */
    embeddingMap(options: { limit?: number }): Promise<EmbeddingMap>;
  };
  jobs: {
    startIndex(input: StartIndexJob): Promise<Job>;
    startTraining(input: StartTrainJob): Promise<Job>;
    startEvaluation(input: StartEvaluateJob): Promise<Job>;
    get(id: string): Promise<Job>;
    list(): Promise<Job[]>;
  };
  health: {
    /** Database reachable and an index loaded; `reasons` names what is missing. */
    ready(): Promise<{ ready: boolean; database: boolean; index: boolean; reasons: string[] }>;
  };
}
