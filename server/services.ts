/**
 * Everything the HTTP and GraphQL layers may call. Routes and resolvers stay thin: they validate
 * input, call one of these, and serialise the answer. The real implementations live in
 * `src/services/` (wired in create-services.ts); tests can hand in fakes. The answers' types are
 * inferred from the schemas in src/shapes/, which also generate the OpenAPI document.
 */
import type { Page, PaintingSplit } from '../src/db/types.js';
import type { AddPainting } from '../src/services/catalog-service.js';
import type { StartTraining } from '../src/services/job-service.js';
import type { BatchImage, BatchResult, QueryImage, SearchFilters, VerifyResult } from '../src/search/types.js';
import type { ArtistSummary } from '../src/shapes/catalog.js';
import type { ApiEmbeddingMap as EmbeddingMap } from '../src/shapes/embedding-map.js';
import type { IndexStatus, Job } from '../src/shapes/jobs.js';
import type { CalibrationInfo, ModelSummary, RocEvaluation } from '../src/shapes/models.js';
import type { ApiNearestArtistsResult, ApiPaintingSummary as PaintingSummary, ApiSimilarPaintingsResult } from '../src/shapes/search.js';
import type { Readiness } from '../src/shapes/health.js';
import type { StoredUpload } from '../src/shapes/uploads.js';
import type { BackupRecord } from '../src/shapes/backups.js';
import type { BuildList } from '../src/shapes/index-builds.js';

export type { ArtistSummary, BackupRecord, BatchResult, BuildList, CalibrationInfo, EmbeddingMap, IndexStatus, Job, ModelSummary, Page, PaintingSummary, RocEvaluation, StoredUpload };

export interface PageRequest {
  /** 1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE (src/db/repositories/pagination.ts). */
  limit?: number;
  after?: string | null;
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
    nearestArtists(image: QueryImage, options: NearestArtistsOptions): Promise<ApiNearestArtistsResult>;
    similarPaintings(image: QueryImage, options: SimilarPaintingsOptions): Promise<ApiSimilarPaintingsResult>;
    verify(a: QueryImage, b: QueryImage): Promise<VerifyResult>;
    /** One answer per image, in order; a bad image answered with its error while the rest are answered. */
    nearestArtistsMany(images: BatchImage[], options: NearestArtistsOptions): Promise<BatchResult<ApiNearestArtistsResult>>;
    similarPaintingsMany(images: BatchImage[], options: SimilarPaintingsOptions): Promise<BatchResult<ApiSimilarPaintingsResult>>;
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
  backups: {
    /** A consistent backup of the metadata, models and serving index into the backup folder. */
    create(): Promise<BackupRecord>;
  };
  health: {
    /** Database reachable and an index loaded; `reasons` names what is missing. */
    ready(): Promise<Readiness>;
  };
}
