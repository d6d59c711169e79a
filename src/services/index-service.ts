/**
 * Builds, loads and updates the corpus index. A build embeds every painting of the model's
 * dataset, inserts the vectors in a worker thread into a fresh directory and records it; only a
 * complete, checksum-verified build is ever swapped in, so a crash mid-build leaves the previous
 * index serving.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { IndexBuildRepository } from '../db/repositories/index-build-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { IndexBuild, ModelVersion, PaintingSplit } from '../db/types.js';
import { PainterError, isPainterError } from '../errors.js';
import { buildIndexInWorker } from '../index/build-in-worker.js';
import { VectorIndex } from '../index/vector-index.js';
import { Cohort, cohortPaintings, COHORT_SEED, loadCohort, saveCohort } from '../scoring/cohort.js';
import { DEFAULT_CSLS } from '../scoring/csls.js';
import { artistSpreads } from '../scoring/open-set.js';
import { indexSpreads, measureRadii, readRadii, writeRadii, type ServingNorms } from '../scoring/serving-norms.js';
import type { EncoderProvider } from './encoder-provider.js';
import type { LiveIndex, ServingIndex } from './live-index.js';

export interface IndexParams {
  M: number;
  efConstruction: number;
  ef: number;
}

/**
 * M 32: at M 16 hnswlib's pruning left ~1% of tightly clustered 2048-d vectors unreachable
 * (bench/hnsw-params.ts). ef 100: recall@10 ≥ 0.99 up to 100,000 overlapping artist-like vectors
 * (0.991, `npm run bench -- --only hnsw`; ef 50 gave 0.950 there) at ~58× exact search's
 * queries/s; on the 10k WikiArt embeddings ef 50 and ef 100 both give 1.000 (bench/nearest-artists.ts).
 */
export const DEFAULT_INDEX_PARAMS: IndexParams = { M: 32, efConstruction: 200, ef: 100 };

export type IndexProgress = (phase: 'embedding' | 'building' | 'loading' | 'cohort', done: number, total: number) => void;

export interface BuildRequest {
  modelVersion?: number;
  params?: Partial<IndexParams>;
  onProgress?: IndexProgress;
  signal?: AbortSignal;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export class IndexService {
  private readonly builds: IndexBuildRepository;
  private readonly catalog: CatalogRepository;
  private readonly models: ModelRepository;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: Config,
    repos: Pick<Repositories, 'builds' | 'catalog' | 'models'>,
    private readonly live: LiveIndex,
    private readonly encoders: EncoderProvider,
    private readonly log: Logger = { info: () => undefined, warn: () => undefined },
  ) {
    this.builds = repos.builds;
    this.catalog = repos.catalog;
    this.models = repos.models;
  }

  async resolveModel(version?: number): Promise<ModelVersion> {
    const model = version !== undefined ? await this.models.get(version) : await this.models.latestComplete();
    if (!model) {
      throw new PainterError('MODEL_NOT_FOUND', version !== undefined ? `No model version ${version}` : 'No trained model yet: run `painter train` first');
    }
    if (model.status !== 'complete') throw new PainterError('MODEL_NOT_FOUND', `Model v${model.version} is ${model.status}, not complete`);
    return model;
  }

  /** Embeds the corpus and writes a new complete index; does not swap it in. */
  async build(req: BuildRequest = {}): Promise<IndexBuild> {
    const model = await this.resolveModel(req.modelVersion);
    const params = { ...DEFAULT_INDEX_PARAMS, ...req.params };
    const corpus = await this.catalog.corpus(model.datasetId !== null ? { datasetId: model.datasetId } : {});
    if (corpus.length === 0) throw new PainterError('DATASET_EMPTY', 'The corpus has no paintings: run `painter import DIR` first');
    const build = await this.builds.create({
      modelVersion: model.version,
      datasetId: model.datasetId,
      dir: (id) => join(this.cfg.dataDir, 'indexes', String(id)),
      params,
      dim: model.embeddingDim,
    });
    try {
      const encoder = await this.encoders.bulk(model);
      let vectors: Float32Array;
      try {
        vectors = await encoder.embedFiles(
          corpus.map((p) => p.filePath),
          (done, total) => req.onProgress?.('embedding', done, total),
        );
      } finally {
        encoder.dispose();
      }
      req.signal?.throwIfAborted();
      const built = await buildIndexInWorker({
        vectors,
        labels: corpus.map((p) => p.id),
        dim: vectors.length / corpus.length,
        params,
        dir: build.dir,
        signal: req.signal,
        onProgress: (done, total) => req.onProgress?.('building', done, total),
      });
      // The cohort radius of every indexed painting, measured once here and stored beside the index.
      const cohort = await this.cohortFor(model, corpus, vectors);
      if (cohort) {
        try {
          const labels = corpus.map((p) => p.id);
          const radii = await cohort.cohort.radii(vectors, labels, (done, total) => req.onProgress?.('cohort', done, total));
          await writeRadii(build.dir, { cohort: cohort.cohort, cohortSha256: cohort.sha256, radii: new Map(labels.map((l, i) => [l, radii[i]])) });
        } finally {
          await cohort.cohort.release();
        }
      }
      this.log.info(`index ${build.id}: ${built.elementCount} paintings, model v${model.version}, built in ${built.seconds.toFixed(1)} s`);
      return await this.builds.markComplete(build.id, { elementCount: built.elementCount, buildSeconds: built.seconds, checksum: built.checksum });
    } catch (e) {
      const error = storageError(e, build.dir) ?? e;
      await this.builds.markFailed(build.id, error instanceof Error ? error.message : String(error)).catch(() => undefined);
      await rm(build.dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The model's cohort: the one stored with the model when it holds exactly the cohort paintings
   * of the corpus's training split, else made from the corpus vectors just embedded (and stored).
   * Null when the model's dataset has no training paintings here.
   */
  private async cohortFor(model: ModelVersion, corpus: { id: number; split: PaintingSplit }[], vectors: Float32Array): Promise<{ cohort: Cohort; sha256: string } | null> {
    const members = cohortPaintings(corpus.filter((p) => p.split === 'train'));
    if (members.length === 0) return null;
    const stored = await loadCohort(model.dir);
    if (stored && stored.manifest.paintingIds.length === members.length && stored.manifest.paintingIds.every((id, i) => id === members[i].id)) {
      return { cohort: stored.cohort, sha256: stored.manifest.sha256 };
    }
    const dim = vectors.length / corpus.length;
    const rowOf = new Map(corpus.map((p, i) => [p.id, i]));
    const rows = new Float32Array(members.length * dim);
    members.forEach((p, i) => rows.set(vectors.subarray(rowOf.get(p.id)! * dim, (rowOf.get(p.id)! + 1) * dim), i * dim));
    const cohort = new Cohort(rows, dim, members.map((p) => p.id), DEFAULT_CSLS);
    const manifest = await saveCohort(model.dir, cohort, { modelVersion: model.version, datasetId: model.datasetId, seed: COHORT_SEED });
    return { cohort, sha256: manifest.sha256 };
  }

  /**
   * The serving index's cohort, radii and artist spreads. Radii stored by the build are used when
   * they were measured against the model's current cohort; otherwise they are measured now. Null
   * (distances served raw) when the model has no stored cohort.
   */
  private async loadNorms(model: ModelVersion, dir: string, index: VectorIndex, paintings: Map<number, { artistId: number | null }>): Promise<ServingNorms | null> {
    const stored = await loadCohort(model.dir);
    if (!stored) {
      this.log.warn(`model v${model.version} has no cohort (run \`painter index\` or \`painter evaluate\` with this version): distances are served without cohort normalisation`);
      return null;
    }
    const { cohort, manifest } = stored;
    let radii = await readRadii(dir, manifest.sha256, cohort.params);
    const labels = index.labels();
    if (!radii || labels.some((l) => !radii!.has(l))) {
      const vectors = new Float32Array(labels.length * index.dim);
      labels.forEach((l, i) => vectors.set(index.vector(l), i * index.dim));
      radii = await measureRadii(cohort, labels, vectors);
    }
    const { spreads, pooledStd } = indexSpreads(paintings, (l) => index.vector(l));
    return { cohort, cohortSha256: manifest.sha256, radii, spreads, pooledSpreadStd: pooledStd };
  }

  /**
   * At start-up: builds left 'building' by a crash are marked failed, then the newest complete
   * build that passes its checksum is loaded; a corrupt one is skipped with a warning.
   */
  async loadNewest(): Promise<ServingIndex | null> {
    const interrupted = await this.builds.failInterrupted('interrupted: the process stopped during the build');
    if (interrupted) this.log.warn(`${interrupted} interrupted index build(s) marked failed`);
    const swept = await this.sweepStaging();
    if (swept) this.log.warn(`${swept} staging director${swept === 1 ? 'y' : 'ies'} of killed builds removed`);
    for (const build of await this.builds.listComplete()) {
      try {
        return await this.swapIn(build);
      } catch (e) {
        if (!isPainterError(e) || (e.code !== 'INDEX_CORRUPT' && e.code !== 'MODEL_NOT_FOUND' && e.code !== 'MODEL_CORRUPT')) throw e;
        this.log.warn(`index ${build.id} skipped: ${e.message}`);
      }
    }
    return null;
  }

  /** Staging directories (`<dir>.build-<pid>-<id>`) whose building process is gone. */
  private async sweepStaging(): Promise<number> {
    const root = join(this.cfg.dataDir, 'indexes');
    let removed = 0;
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const m = /\.build-(\d+)-/.exec(name);
      if (!m || processAlive(Number(m[1]))) continue;
      await rm(join(root, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  /** Loads a complete build (verifying its checksum) and makes it the serving index. */
  async swapIn(build: IndexBuild): Promise<ServingIndex> {
    if (build.status !== 'complete' || !build.checksum) throw new PainterError('INDEX_CORRUPT', `Index ${build.id} is ${build.status}`);
    const model = await this.resolveModel(build.modelVersion);
    // Load the query encoder first: a model that cannot serve must not replace one that can.
    await this.encoders.query(model);
    const index = await VectorIndex.load(build.dir, { expectedChecksum: build.checksum });
    index.setEf(build.params.ef);
    const corpus = await this.catalog.corpus(build.datasetId !== null ? { datasetId: build.datasetId } : {});
    const paintings = new Map(
      corpus.filter((p) => index.has(p.id)).map((p) => [p.id, { artistId: p.artistId, split: p.split, style: p.style?.toLowerCase() ?? null }]),
    );
    const serving: ServingIndex = {
      buildId: build.id,
      modelVersion: build.modelVersion,
      index,
      paintings,
      norms: await this.loadNorms(model, build.dir, index, paintings),
      params: build.params,
      buildSeconds: build.buildSeconds,
      createdAt: build.createdAt,
    };
    const previous = this.live.swap(serving);
    if (previous?.norms && previous.norms.cohort !== serving.norms?.cohort) void previous.norms.cohort.release();
    this.log.info(`serving index ${build.id} (model v${build.modelVersion}, ${index.size} paintings)`);
    return serving;
  }

  /** Adds one painting to the serving index and persists the index file. */
  async addPainting(painting: { id: number; artistId: number | null; split: PaintingSplit; style: string | null; filePath: string }): Promise<void> {
    const serving = this.live.require();
    const model = await this.resolveModel(serving.modelVersion);
    const encoder = await this.encoders.query(model);
    const vector = await encoder.embedFiles([painting.filePath]);
    serving.index.add(painting.id, vector);
    serving.paintings.set(painting.id, { artistId: painting.artistId, split: painting.split, style: painting.style?.toLowerCase() ?? null });
    if (serving.norms) {
      serving.norms.radii.set(painting.id, (await serving.norms.cohort.radii(vector))[0]);
      this.updateSpread(serving, painting.artistId);
    }
    await this.persist(serving);
  }

  /** One artist's spread after a painting of theirs came or went (the pooled spread is kept). */
  private updateSpread(serving: ServingIndex, artistId: number | null): void {
    if (!serving.norms || artistId === null) return;
    const rows = [...serving.paintings].filter(([, p]) => p.artistId === artistId).map(([label]) => label);
    const { spreads } = artistSpreads(new Map([[artistId, rows]]), (a, b) => {
      const x = serving.index.vector(a);
      const y = serving.index.vector(b);
      let s = 0;
      for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
      return Math.sqrt(s);
    });
    const spread = spreads.get(artistId);
    if (spread) serving.norms.spreads.set(artistId, spread);
    else serving.norms.spreads.delete(artistId);
  }

  async removePainting(id: number): Promise<boolean> {
    const serving = this.live.serving;
    if (!serving) return false;
    const artistId = serving.paintings.get(id)?.artistId ?? null;
    const removed = serving.index.remove(id);
    serving.paintings.delete(id);
    serving.norms?.radii.delete(id);
    this.updateSpread(serving, artistId);
    if (removed) await this.persist(serving);
    return removed;
  }

  /** Saves are chained so two updates never write the same directory at once. */
  private persist(serving: ServingIndex): Promise<void> {
    this.saving = this.saving.then(async () => {
      const build = await this.builds.get(serving.buildId);
      if (!build) return;
      const saved = await serving.index.save(build.dir);
      if (serving.norms) await writeRadii(build.dir, serving.norms);
      await this.builds.updateChecksum(build.id, saved.checksum, serving.index.size);
    });
    return this.saving;
  }
}

/** Another live process; this one counts as gone, since sweeping happens at start-up, before any build. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EIO']);

/** A full, read-only or misconfigured disk says so, instead of surfacing as an internal error. */
function storageError(e: unknown, dir: string): PainterError | null {
  // Errors from the build worker arrive as messages: their errno code is only in the text.
  const raw = (e as NodeJS.ErrnoException | null)?.code ?? /\b(E[A-Z]{2,7})\b/.exec(e instanceof Error ? e.message : '')?.[1];
  const code = typeof raw === 'string' && STORAGE_CODES.has(raw) ? raw : null;
  if (!code) return null;
  return new PainterError('STORAGE_FAILED', `The index could not be written to ${dir} (${code}: ${(e as Error).message})`, { code, dir }, { cause: e });
}
