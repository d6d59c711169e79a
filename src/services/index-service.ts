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

export type IndexProgress = (phase: 'embedding' | 'building' | 'loading', done: number, total: number) => void;

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
      params: build.params,
      buildSeconds: build.buildSeconds,
      createdAt: build.createdAt,
    };
    this.live.swap(serving);
    this.log.info(`serving index ${build.id} (model v${build.modelVersion}, ${index.size} paintings)`);
    return serving;
  }

  /** Adds one painting to the serving index and persists the index file. */
  async addPainting(painting: { id: number; artistId: number; split: PaintingSplit; style: string | null; filePath: string }): Promise<void> {
    const serving = this.live.require();
    const model = await this.resolveModel(serving.modelVersion);
    const encoder = await this.encoders.query(model);
    const vector = await encoder.embedFiles([painting.filePath]);
    serving.index.add(painting.id, vector);
    serving.paintings.set(painting.id, { artistId: painting.artistId, split: painting.split, style: painting.style?.toLowerCase() ?? null });
    await this.persist(serving);
  }

  async removePainting(id: number): Promise<boolean> {
    const serving = this.live.serving;
    if (!serving) return false;
    const removed = serving.index.remove(id);
    serving.paintings.delete(id);
    if (removed) await this.persist(serving);
    return removed;
  }

  /** Saves are chained so two updates never write the same directory at once. */
  private persist(serving: ServingIndex): Promise<void> {
    this.saving = this.saving.then(async () => {
      const build = await this.builds.get(serving.buildId);
      if (!build) return;
      const saved = await serving.index.save(build.dir);
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
