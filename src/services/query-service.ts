/**
 * The three questions: which artists is this painting nearest to (and is its painter one of them
 * at all), which paintings, and do two paintings share a painter — one at a time or many in one
 * call. Queries by corpus painting reuse the vector stored in the index; uploaded images are
 * validated and embedded by the serving model. How distances are normalised, which threshold
 * decides and which open-set rule applies come from the model's calibrating evaluation.
 */
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { ModelVersion } from '../db/types.js';
import { PaintingRows } from './painting-rows.js';
import { isPainterError, PainterError } from '../errors.js';
import { probabilitySame } from '../metrics/calibration.js';
import { rankArtists, type ArtistAggregation, DEFAULT_AGGREGATION, DEFAULT_NEIGHBOURS, type Neighbour } from '../search/aggregate-artists.js';
import type {
  BatchImage,
  BatchItem,
  BatchResult,
  ItemError,
  NearestArtistsResult,
  OpenSetResult,
  PaintingNeighbour,
  QueryImage,
  SearchFilters,
  SimilarPaintingsResult,
  VerifyResult,
} from '../search/types.js';
import type { Encoder } from '../encoders/encoder.js';
import { assertNotEmpty, uploadLabel } from '../images/validate-upload.js';
import { cslsDistance } from '../scoring/csls.js';
import { openSetAnswer, openSetFeatures } from '../scoring/open-set.js';
import type { CalibrationService, ModelCalibration } from './calibration-service.js';
import type { EncoderProvider } from './encoder-provider.js';
import type { LiveIndex, ServingIndex } from './live-index.js';
import { toSummary } from './painting-summary.js';
import type { UploadStore } from './upload-store.js';

export { DEFAULT_NEIGHBOURS };
/** Artists a nearest-artists query answers with, and paintings a similar-paintings query, unless asked otherwise. */
export const DEFAULT_K = 5;
export const DEFAULT_SIMILAR = 10;

interface ResolvedQuery {
  vector: Float32Array;
  paintingId: number | null;
  artistId: number | null;
  /** Its cohort radius when the build stores one for it (an indexed painting). */
  radius: number | null;
}

export interface NearestOptions {
  k?: number;
  neighbours?: number;
  filters?: SearchFilters;
}

export interface SimilarOptions {
  k?: number;
  filters?: SearchFilters;
}

export class QueryService {
  private readonly catalog: CatalogRepository;
  private readonly models: ModelRepository;
  private readonly rows: PaintingRows;
  /** A complete model version never changes: its row is read once, not per upload. */
  private readonly servingModels = new Map<number, ModelVersion>();

  constructor(
    repos: Pick<Repositories, 'catalog' | 'models'>,
    private readonly live: LiveIndex,
    private readonly encoders: EncoderProvider,
    private readonly uploads: UploadStore,
    private readonly calibrations: CalibrationService,
    private readonly aggregation: ArtistAggregation = DEFAULT_AGGREGATION,
  ) {
    this.catalog = repos.catalog;
    this.models = repos.models;
    this.rows = new PaintingRows(this.catalog);
  }

  async nearestArtists(image: QueryImage, options: NearestOptions = {}): Promise<NearestArtistsResult> {
    const started = performance.now();
    const serving = this.live.require();
    return this.nearestIn(serving, await this.resolve(image, serving), options, started);
  }

  async similarPaintings(image: QueryImage, options: SimilarOptions = {}): Promise<SimilarPaintingsResult> {
    const started = performance.now();
    const serving = this.live.require();
    return this.similarIn(serving, await this.resolve(image, serving), options, started);
  }

  async verify(a: QueryImage, b: QueryImage): Promise<VerifyResult> {
    const serving = this.live.require();
    const [qa, qb] = await Promise.all([this.resolve(a, serving), this.resolve(b, serving)]);
    return this.verifyIn(serving, qa, qb, await this.calibrations.forModel(serving.modelVersion));
  }

  /** Nearest artists of many images: one answer per image in order, a failed image answered with its error. */
  async nearestArtistsMany(images: readonly BatchImage[], options: NearestOptions = {}): Promise<BatchResult<NearestArtistsResult>> {
    const started = performance.now();
    const serving = this.live.require();
    const resolve = this.batchResolver(serving);
    // Every image is on its way at once: the encoder's micro-batcher runs them as full batches.
    return settle(images, started, (image) => {
      const t = performance.now();
      return resolve(image).then((q) => this.nearestIn(serving, q, options, t));
    });
  }

  async similarPaintingsMany(images: readonly BatchImage[], options: SimilarOptions = {}): Promise<BatchResult<SimilarPaintingsResult>> {
    const started = performance.now();
    const serving = this.live.require();
    const resolve = this.batchResolver(serving);
    return settle(images, started, (image) => {
      const t = performance.now();
      return resolve(image).then((q) => this.similarIn(serving, q, options, t));
    });
  }

  /** Many pairs; an image named by several pairs is resolved (and embedded) once. */
  async verifyMany(pairs: readonly (readonly [BatchImage, BatchImage])[]): Promise<BatchResult<VerifyResult>> {
    const started = performance.now();
    const serving = this.live.require();
    const resolve = this.batchResolver(serving);
    const calibration = await this.calibrations.forModel(serving.modelVersion);
    return settle(pairs, started, async ([a, b]) => {
      const [qa, qb] = await Promise.all([resolve(a), resolve(b)]);
      return this.verifyIn(serving, qa, qb, calibration);
    });
  }

  /** Forget cached calibrations (after a new evaluation is stored). */
  invalidateCalibration(modelVersion?: number): void {
    this.calibrations.invalidate(modelVersion);
  }

  private async nearestIn(serving: ServingIndex, query: ResolvedQuery, options: NearestOptions, started: number): Promise<NearestArtistsResult> {
    const calibration = await this.calibrations.forModel(serving.modelVersion);
    const k = options.k ?? DEFAULT_K;
    // Unlabelled paintings are never counted as an artist: the store leaves them out of the neighbourhood.
    const hits = await this.search(serving, query, Math.max(options.neighbours ?? DEFAULT_NEIGHBOURS, k), options.filters, true);
    const norms = this.normsFor(serving, calibration);
    const queryRadius = norms ? await this.radius(serving, query) : null;
    const ranking = norms && calibration.ranking === 'csls' ? 'csls' : 'raw';
    const neighbours = hits.map((h): Neighbour & { radius?: number } => {
      const n: Neighbour & { radius?: number } = { label: h.label, distance: h.distance, artistId: h.artistId! };
      // Radii were measured with the build; without norms the ranking stays raw.
      if (norms && h.radius !== null) {
        n.radius = h.radius;
        if (ranking === 'csls' && queryRadius !== null) n.score = h.distance - (queryRadius + h.radius) / 2;
      }
      return n;
    });
    const allRanked = rankArtists(neighbours, this.aggregation);
    const ranked = allRanked.slice(0, k);
    const shown = await this.rows.get(serving, ranked.flatMap((a) => a.neighbours.slice(0, 5).map((i) => neighbours[i].label)));
    const artists = ranked.map((a) => {
      const paintings = a.neighbours
        .slice(0, 5)
        .map((i) => neighbours[i])
        .filter((n) => shown.has(n.label))
        .map((n): PaintingNeighbour => ({ ...toSummary(shown.get(n.label)!), distance: n.distance }));
      return {
        artistId: a.artistId,
        artist: paintings[0]?.artist ?? String(a.artistId),
        distance: a.distance,
        normalisedDistance: ranking === 'csls' ? a.key : null,
        score: a.score,
        paintings,
      };
    });
    let openSet: OpenSetResult | null = null;
    const rule = calibration.openSet;
    if (rule && rule.ranking === ranking && neighbours.length > 0) {
      const features = openSetFeatures(neighbours, allRanked, {
        queryRadius,
        spread: (artistId) => norms?.spreads.get(artistId) ?? null,
        pooledSpreadStd: norms?.pooledSpreadStd ?? 0,
      });
      const answer = openSetAnswer(rule, features);
      if (answer) openSet = { ...answer, confidence: rule.confidence, evaluationId: calibration.info.evaluationId };
    }
    return { artists, openSet, ranking, query: this.info(serving, query, started) };
  }

  private async similarIn(serving: ServingIndex, query: ResolvedQuery, options: SimilarOptions, started: number): Promise<SimilarPaintingsResult> {
    const hits = await this.search(serving, query, options.k ?? DEFAULT_SIMILAR, options.filters);
    const rows = await this.rows.get(serving, hits.map((h) => h.label));
    const paintings = hits.filter((h) => rows.has(h.label)).map((h) => ({ ...toSummary(rows.get(h.label)!), distance: h.distance }));
    return { paintings, query: this.info(serving, query, started) };
  }

  private async verifyIn(serving: ServingIndex, qa: ResolvedQuery, qb: ResolvedQuery, calibration: ModelCalibration): Promise<VerifyResult> {
    let sum = 0;
    for (let i = 0; i < qa.vector.length; i++) sum += (qa.vector[i] - qb.vector[i]) ** 2;
    const distance = Math.sqrt(sum);
    const norms = calibration.pairScore === 'csls' ? this.normsFor(serving, calibration) : null;
    let score: VerifyResult['score'] = { kind: 'distance', value: distance };
    let used = calibration.distance;
    if (norms && calibration.csls) {
      const [ra, rb] = await Promise.all([this.radius(serving, qa), this.radius(serving, qb)]);
      score = { kind: 'csls', value: cslsDistance(distance, ra, rb, calibration.csls.params.variant) };
      used = calibration.csls;
    }
    const p = probabilitySame(used.calibration, score.value);
    const sameArtist = score.value <= used.threshold;
    return {
      sameArtist,
      distance,
      score,
      threshold: used.threshold,
      confidence: sameArtist ? p : 1 - p,
      probabilitySameArtist: p,
      calibration: { source: calibration.info.evaluationId === null ? 'default' : 'evaluation', evaluationId: calibration.info.evaluationId },
      modelVersion: serving.modelVersion,
    };
  }

  /** The serving index's norms when they were measured as the calibration expects (same K); else none. */
  private normsFor(serving: ServingIndex, calibration: ModelCalibration) {
    const norms = serving.norms;
    if (!norms || !calibration.csls) return null;
    const { k, variant } = calibration.csls.params;
    return norms.cohort.params.k === k && norms.cohort.params.variant === variant ? norms : null;
  }

  /** The query's cohort radius: stored with the build for an indexed painting, measured against the cohort otherwise. */
  private async radius(serving: ServingIndex, query: ResolvedQuery): Promise<number> {
    if (query.radius !== null) return query.radius;
    return (await serving.norms!.cohort.radii(query.vector, [query.paintingId]))[0];
  }

  /** The vector store evaluates the filters where the vectors are (hnswlib's graph walk, pgvector's SQL). */
  private search(serving: ServingIndex, query: ResolvedQuery, k: number, filters: SearchFilters = {}, labelledOnly = false) {
    return serving.index.search(query.vector, k, {
      // A painting is never its own neighbour.
      excludeId: query.paintingId,
      splits: filters.splits?.length ? filters.splits : null,
      style: filters.style ?? null,
      excludeArtistId: filters.excludeOwnArtist ? query.artistId : null,
      labelledOnly,
    });
  }

  /** Resolves each distinct image of a batch once (paintings and stored uploads by id). */
  private batchResolver(serving: ServingIndex): (image: BatchImage) => Promise<ResolvedQuery> {
    const seen = new Map<string, Promise<ResolvedQuery>>();
    return (image) => {
      if (image.kind === 'invalid') return Promise.reject(image.error);
      const key = image.kind === 'painting' ? `p${image.paintingId}` : image.kind === 'stored-upload' ? `u${image.uploadId}` : null;
      if (key === null) return this.resolve(image, serving);
      let r = seen.get(key);
      if (!r) seen.set(key, (r = this.resolve(image, serving)));
      return r;
    };
  }

  private async resolve(image: QueryImage, serving: ServingIndex): Promise<ResolvedQuery> {
    if (image.kind === 'painting') {
      const known = await serving.index.get(image.paintingId);
      if (known) return { vector: known.vector, paintingId: image.paintingId, artistId: known.artistId, radius: known.radius };
      // In the corpus but not in this index (added since, or indexed under another model): embed it.
      const painting = await this.catalog.getPainting(image.paintingId);
      return { vector: await this.embed(serving, painting.filePath), paintingId: painting.id, artistId: painting.artistId, radius: null };
    }
    if (image.kind === 'upload') return { vector: await this.embedUpload(serving, image.bytes, image.filename), paintingId: null, artistId: null, radius: null };
    return { vector: await this.embed(serving, await this.uploads.path(image.uploadId)), paintingId: null, artistId: null, radius: null };
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
}

/**
 * Runs every item at once and answers each with its result or its error, in order. An item's
 * error with a code (a bad image, an unknown id) is its answer; anything else is a fault of the
 * server, not of the item, and fails the whole request as a single one would.
 */
async function settle<I, T>(items: readonly I[], started: number, run: (item: I) => Promise<T>): Promise<BatchResult<T>> {
  const settled = await Promise.allSettled(items.map((item) => run(item)));
  const out: BatchItem<T>[] = settled.map((s, index) => {
    if (s.status === 'fulfilled') return { index, result: s.value, error: null };
    if (!isPainterError(s.reason) || s.reason.status >= 500) throw s.reason;
    return { index, result: null, error: itemError(s.reason) };
  });
  const failed = out.filter((i) => i.error !== null).length;
  return { items: out, succeeded: out.length - failed, failed, tookMs: performance.now() - started };
}

function itemError(e: PainterError): ItemError {
  return e.toJSON();
}
