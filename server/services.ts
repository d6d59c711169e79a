/**
 * Everything the HTTP and GraphQL layers may call. Routes and resolvers stay thin: they validate
 * input, call one of these, and serialise the answer. The real implementations live in
 * `src/services/` (wired in create-services.ts); tests can hand in fakes. The answers' types are
 * inferred from the schemas in src/shapes/, which also generate the OpenAPI document.
 */
import type { Page, PaintingSplit } from '../src/db/types.js';
import type { AddPainting } from '../src/services/catalog-service.js';
import type { StartTraining } from '../src/services/job-service.js';
import type { QueryImage, SearchFilters, VerifyResult } from '../src/search/types.js';
import type { ArtistSummary } from '../src/shapes/catalog.js';
import type { ApiEmbeddingMap as EmbeddingMap } from '../src/shapes/embedding-map.js';
import type { IndexStatus, Job } from '../src/shapes/jobs.js';
import type { ModelSummary, RocEvaluation } from '../src/shapes/models.js';
import type { ApiNearestArtistsResult, ApiPaintingSummary as PaintingSummary, ApiSimilarPaintingsResult } from '../src/shapes/search.js';
import type { Readiness } from '../src/shapes/health.js';
import type { StoredUpload } from '../src/shapes/uploads.js';
import type { BackupRecord } from '../src/shapes/backups.js';

export type { ArtistSummary, BackupRecord, EmbeddingMap, IndexStatus, Job, ModelSummary, Page, PaintingSummary, RocEvaluation, StoredUpload };

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

export interface ServerServices {
  query: {
    nearestArtists(image: QueryImage, options: { k?: number; neighbours?: number; filters?: SearchFilters }): Promise<ApiNearestArtistsResult>;
    similarPaintings(image: QueryImage, options: { k?: number; filters?: SearchFilters }): Promise<ApiSimilarPaintingsResult>;
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
  };
  jobs: {
    startIndex(input: StartIndexJob): Promise<Job>;
    startTraining(input: StartTrainJob): Promise<Job>;
    startEvaluation(input: StartEvaluateJob): Promise<Job>;
    get(id: string): Promise<Job>;
    list(): Promise<Job[]>;
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
