/**
 * The three questions: which artists is this painting nearest to, which paintings, and do two
 * paintings share a painter. Queries by corpus painting reuse the vector stored in the index;
 * uploaded images are validated and embedded by the serving model.
 */
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { EvaluationRepository } from '../db/repositories/evaluation-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { ModelVersion } from '../db/types.js';
import { PaintingRows } from './painting-rows.js';
import { PainterError } from '../errors.js';
import { probabilitySame, type DistanceCalibration } from '../metrics/calibration.js';
import { rankArtists, type ArtistAggregation, DEFAULT_AGGREGATION, DEFAULT_NEIGHBOURS } from '../search/aggregate-artists.js';
import type {
  NearestArtistsResult,
  PaintingNeighbour,
  QueryImage,
  SearchFilters,
  SimilarPaintingsResult,
  VerifyResult,
} from '../search/types.js';
import type { Encoder } from '../encoders/encoder.js';
import { assertNotEmpty, uploadLabel } from '../images/validate-upload.js';
import type { EncoderProvider } from './encoder-provider.js';
import type { LiveIndex, ServingIndex } from './live-index.js';
import { toSummary } from './painting-summary.js';
import type { UploadStore } from './upload-store.js';

export { DEFAULT_NEIGHBOURS };
/** Artists a nearest-artists query answers with, and paintings a similar-paintings query, unless asked otherwise. */
export const DEFAULT_K = 5;
export const DEFAULT_SIMILAR = 10;

/** Without a stored evaluation: a midpoint of the 0–10 distance range and a gentle slope. */
const UNCALIBRATED = { threshold: 5, calibration: { intercept: 5, slope: -1 } satisfies DistanceCalibration };

interface ResolvedQuery {
  vector: Float32Array;
  paintingId: number | null;
  artistId: number | null;
}

interface Calibration {
  threshold: number;
  calibration: DistanceCalibration;
  source: 'evaluation' | 'default';
  evaluationId: number | null;
}

export class QueryService {
  private readonly catalog: CatalogRepository;
  private readonly evaluations: EvaluationRepository;
  private readonly models: ModelRepository;
  private readonly calibrations = new Map<number, Promise<Calibration>>();
  private readonly rows: PaintingRows;
  /** A complete model version never changes: its row is read once, not per upload. */
  private readonly servingModels = new Map<number, ModelVersion>();

  constructor(
    repos: Pick<Repositories, 'catalog' | 'evaluations' | 'models'>,
    private readonly live: LiveIndex,
    private readonly encoders: EncoderProvider,
    private readonly uploads: UploadStore,
    private readonly aggregation: ArtistAggregation = DEFAULT_AGGREGATION,
  ) {
    this.catalog = repos.catalog;
    this.evaluations = repos.evaluations;
    this.models = repos.models;
    this.rows = new PaintingRows(this.catalog);
  }

  async nearestArtists(image: QueryImage, options: { k?: number; neighbours?: number; filters?: SearchFilters } = {}): Promise<NearestArtistsResult> {
    const started = performance.now();
    const serving = this.live.require();
    const query = await this.resolve(image, serving);
    const k = options.k ?? DEFAULT_K;
    const hits = this.search(serving, query, Math.max(options.neighbours ?? DEFAULT_NEIGHBOURS, k), options.filters);
    const neighbours = hits.map((h) => ({ ...h, artistId: serving.paintings.get(h.label)!.artistId }));
    const ranked = rankArtists(neighbours, this.aggregation).slice(0, k);
    const shown = await this.rows.get(serving, ranked.flatMap((a) => a.neighbours.slice(0, 5).map((i) => neighbours[i].label)));
    const artists = ranked.map((a) => {
      const paintings = a.neighbours
        .slice(0, 5)
        .map((i) => neighbours[i])
        .filter((n) => shown.has(n.label))
        .map((n): PaintingNeighbour => ({ ...toSummary(shown.get(n.label)!), distance: n.distance }));
      return { artistId: a.artistId, artist: paintings[0]?.artist ?? String(a.artistId), distance: a.distance, score: a.score, paintings };
    });
    return { artists, query: this.info(serving, query, started) };
  }

  async similarPaintings(image: QueryImage, options: { k?: number; filters?: SearchFilters } = {}): Promise<SimilarPaintingsResult> {
    const started = performance.now();
    const serving = this.live.require();
    const query = await this.resolve(image, serving);
    const hits = this.search(serving, query, options.k ?? DEFAULT_SIMILAR, options.filters);
    const rows = await this.rows.get(serving, hits.map((h) => h.label));
    const paintings = hits.filter((h) => rows.has(h.label)).map((h) => ({ ...toSummary(rows.get(h.label)!), distance: h.distance }));
    return { paintings, query: this.info(serving, query, started) };
  }

  async verify(a: QueryImage, b: QueryImage): Promise<VerifyResult> {
    const serving = this.live.require();
    const [qa, qb] = await Promise.all([this.resolve(a, serving), this.resolve(b, serving)]);
    let sum = 0;
    for (let i = 0; i < qa.vector.length; i++) sum += (qa.vector[i] - qb.vector[i]) ** 2;
    const distance = Math.sqrt(sum);
    const c = await this.calibration(serving.modelVersion);
    const p = probabilitySame(c.calibration, distance);
    const sameArtist = distance <= c.threshold;
    return {
      sameArtist,
      distance,
      threshold: c.threshold,
      confidence: sameArtist ? p : 1 - p,
      probabilitySameArtist: p,
      calibration: { source: c.source, evaluationId: c.evaluationId },
      modelVersion: serving.modelVersion,
    };
  }

  /** Forget cached calibrations (after a new evaluation is stored). */
  invalidateCalibration(modelVersion?: number): void {
    if (modelVersion === undefined) this.calibrations.clear();
    else this.calibrations.delete(modelVersion);
  }

  private search(serving: ServingIndex, query: ResolvedQuery, k: number, filters: SearchFilters = {}) {
    const splits = filters.splits?.length ? new Set<string>(filters.splits) : null;
    const style = filters.style?.toLowerCase() ?? null;
    const excludedArtist = filters.excludeOwnArtist ? query.artistId : null;
    const filter = (label: number) => {
      // A painting is never its own neighbour.
      if (label === query.paintingId) return false;
      const p = serving.paintings.get(label);
      if (!p) return false;
      if (splits && !splits.has(p.split)) return false;
      if (style !== null && p.style !== style) return false;
      return excludedArtist === null || p.artistId !== excludedArtist;
    };
    return serving.index.search(query.vector, k, filter);
  }

  private async resolve(image: QueryImage, serving: ServingIndex): Promise<ResolvedQuery> {
    if (image.kind === 'painting') {
      const known = serving.paintings.get(image.paintingId);
      if (known) return { vector: serving.index.vector(image.paintingId), paintingId: image.paintingId, artistId: known.artistId };
      // In the corpus but not in this index (added since, or indexed under another model): embed it.
      const painting = await this.catalog.getPainting(image.paintingId);
      return { vector: await this.embed(serving, painting.filePath), paintingId: painting.id, artistId: painting.artistId };
    }
    if (image.kind === 'upload') return { vector: await this.embedUpload(serving, image.bytes, image.filename), paintingId: null, artistId: null };
    return { vector: await this.embed(serving, await this.uploads.path(image.uploadId)), paintingId: null, artistId: null };
  }

  /**
   * A query's own upload is used once and not kept (POST /api/uploads keeps one to refer to). An
   * encoder that decodes in memory checks and decodes it in one pass, off the event loop.
   */
  private async embedUpload(serving: ServingIndex, bytes: Buffer, filename?: string): Promise<Float32Array> {
    const name = uploadLabel(filename);
    assertNotEmpty(bytes, name);
    const encoder = await this.encoder(serving);
    if (encoder.embedBytes) return encoder.embedBytes(bytes, name);
    return this.uploads.withTemporaryFile(bytes, filename, (path) => encoder.embedFiles([path]));
  }

  private async embed(serving: ServingIndex, path: string): Promise<Float32Array> {
    return (await this.encoder(serving)).embedFiles([path]);
  }

  private async encoder(serving: ServingIndex): Promise<Encoder> {
    const model = this.servingModels.get(serving.modelVersion) ?? (await this.models.get(serving.modelVersion));
    if (!model) throw new PainterError('MODEL_NOT_FOUND', `Model v${serving.modelVersion} of the serving index no longer exists`);
    if (model.status === 'complete') this.servingModels.set(model.version, model);
    return this.encoders.query(model);
  }

  private info(serving: ServingIndex, query: ResolvedQuery, started: number) {
    return { paintingId: query.paintingId, modelVersion: serving.modelVersion, indexId: serving.buildId, tookMs: performance.now() - started };
  }

  private calibration(modelVersion: number): Promise<Calibration> {
    let c = this.calibrations.get(modelVersion);
    if (!c) {
      c = this.loadCalibration(modelVersion);
      c.catch(() => this.calibrations.delete(modelVersion));
      this.calibrations.set(modelVersion, c);
    }
    return c;
  }

  /** The model's latest test-split evaluation decides the threshold (best accuracy) and confidences. */
  private async loadCalibration(modelVersion: number): Promise<Calibration> {
    const evaluation = await this.evaluations.latestForModelVersion(modelVersion);
    if (!evaluation) return { ...UNCALIBRATED, source: 'default', evaluationId: null };
    const stored = (evaluation.result as { calibration?: DistanceCalibration }).calibration;
    const threshold = evaluation.bestThreshold;
    // Older evaluations without a fitted calibration: a logistic centred on their threshold.
    const calibration = stored ?? { intercept: threshold, slope: -1 };
    return { threshold, calibration, source: 'evaluation', evaluationId: evaluation.id };
  }
}
