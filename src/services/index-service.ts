/**
 * Index builds as objects: writing a new build (embedding the corpus into the configured vector
 * store while the active build keeps serving), the alias in the database that names the build
 * every replica serves, activating and pinning an older build (rollback without a rebuild),
 * retention of the last N complete builds, and live additions and removals. A build carries the
 * cohort radius of each painting (in its vector store) and its artists' spreads (in its row),
 * measured while it is written, so every replica serves the same cohort-normalised scores.
 *
 * Only a complete build is ever activated. A builder holds a lease on its build row; a build
 * whose builder died (on any replica) is marked failed once the lease runs out, never while it
 * is alive.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Notifier } from '../db/notifier.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { BuildNorms, IndexAlias, IndexBuild, ModelVersion, PaintingSplit } from '../db/types.js';
import { PainterError, isPainterError } from '../errors.js';
import type { IndexParams } from '../index/types.js';
import { Cohort, cohortPaintings, COHORT_SEED, loadCohort, saveCohort } from '../scoring/cohort.js';
import { DEFAULT_CSLS } from '../scoring/csls.js';
import { measureBuildNorms, servingNorms, type ServingNorms } from '../scoring/serving-norms.js';
import { normaliseStyle, type IndexEntry } from '../vector-store/types.js';
import type { VectorStores } from '../vector-store/vector-stores.js';
import { buildsToRetire } from './build-retention.js';
import type { EncoderProvider } from './encoder-provider.js';
import type { LiveIndex, ServingIndex } from './live-index.js';

export { DEFAULT_INDEX_PARAMS } from '../index/types.js';
export type { IndexParams };

export type IndexProgress = (phase: 'embedding' | 'building' | 'loading' | 'cohort', done: number, total: number) => void;

export interface BuildRequest {
  modelVersion?: number;
  params?: Partial<IndexParams>;
  onProgress?: IndexProgress;
  signal?: AbortSignal;
  /** The job doing the build, recorded with it. */
  jobId?: string;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A build as the API lists it. */
export interface BuildSummary {
  id: number;
  modelVersion: number;
  status: IndexBuild['status'];
  store: IndexBuild['store'];
  elementCount: number | null;
  params: IndexParams;
  buildSeconds: number | null;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
  /** The alias points at it: every replica serves it. */
  active: boolean;
  /** Active and pinned: finished rebuilds leave it serving. */
  pinned: boolean;
}

export interface BuildList {
  builds: BuildSummary[];
  activeBuildId: number | null;
  pinned: boolean;
  /** Complete builds kept; older ones are deleted (never the active one). */
  keepBuilds: number;
}

type Repos = Pick<Repositories, 'builds' | 'catalog' | 'models' | 'alias' | 'changes'>;

export class IndexService {
  private readonly repos: Repos;
  /** The alias revision this process last acted on. */
  private seenRevision = -1;
  /** A build the alias names that failed to load here; retried when the alias moves again. */
  private unloadable: number | null = null;
  private following: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: Pick<Config, 'indexParams' | 'keepBuilds' | 'jobLeaseMs' | 'dataDir'>,
    repos: Repos,
    private readonly live: LiveIndex,
    private readonly encoders: EncoderProvider,
    private readonly stores: VectorStores,
    private readonly notifier: Pick<Notifier, 'publish'> | null = null,
    private readonly log: Logger = { info: () => undefined, warn: () => undefined },
  ) {
    this.repos = repos;
  }

  async resolveModel(version?: number): Promise<ModelVersion> {
    const model = version !== undefined ? await this.repos.models.get(version) : await this.repos.models.latestComplete();
    if (!model) {
      throw new PainterError('MODEL_NOT_FOUND', version !== undefined ? `No model version ${version}` : 'No trained model yet: run `painter train` first');
    }
    if (model.status !== 'complete') throw new PainterError('MODEL_NOT_FOUND', `Model v${model.version} is ${model.status}, not complete`);
    return model;
  }

  /** Embeds the corpus and writes a new complete build; does not activate it. */
  async build(req: BuildRequest = {}): Promise<IndexBuild> {
    const model = await this.resolveModel(req.modelVersion);
    const params = { ...this.cfg.indexParams, ...req.params };
    const corpus = await this.repos.catalog.corpus(model.datasetId !== null ? { datasetId: model.datasetId } : {});
    if (corpus.length === 0) throw new PainterError('DATASET_EMPTY', 'The corpus has no paintings: run `painter import DIR` first');
    const store = this.stores.current;
    const build = await this.repos.builds.create({
      modelVersion: model.version,
      datasetId: model.datasetId,
      dir: (id) => store.location(id),
      params,
      dim: model.embeddingDim,
      store: store.kind,
      jobId: req.jobId ?? null,
      leaseMs: this.cfg.jobLeaseMs,
    });
    const lease = this.keepLease(build.id);
    let cohort: { cohort: Cohort; sha256: string } | null = null;
    try {
      const encoder = await this.encoders.bulk(model);
      let vectors: Float32Array;
      try {
        vectors = await encoder.embedFiles(
          corpus.map((p) => p.filePath),
          (done, total) => {
            // A cancel stops the build at the next embedded image.
            req.signal?.throwIfAborted();
            req.onProgress?.('embedding', done, total);
          },
        );
      } finally {
        encoder.dispose();
      }
      req.signal?.throwIfAborted();
      const entries: IndexEntry[] = corpus.map((p) => ({ id: p.id, artistId: p.artistId, split: p.split, style: normaliseStyle(p.style) }));
      // The cohort radius of every painting and the artists' spreads, measured once here and stored with the build.
      cohort = await this.cohortFor(model, corpus, vectors);
      let norms: BuildNorms | null = null;
      if (cohort) {
        const radii = await cohort.cohort.radii(
          vectors,
          entries.map((e) => e.id),
          (done, total) => req.onProgress?.('cohort', done, total),
        );
        entries.forEach((e, i) => (e.radius = radii[i]));
        norms = measureBuildNorms({ sha256: cohort.sha256, params: cohort.cohort.params }, entries, vectors);
        req.signal?.throwIfAborted();
      }
      const written = await store.write(build, {
        vectors,
        entries,
        signal: req.signal,
        onProgress: (done, total) => req.onProgress?.('building', done, total),
      });
      req.signal?.throwIfAborted();
      const count = await this.reconcile(build, model, new Set(entries.map((e) => e.id)), written.checksum, cohort?.cohort ?? null);
      this.log.info(`index ${build.id} (${store.kind}): ${count} paintings, model v${model.version}, built in ${written.seconds.toFixed(1)} s`);
      return await this.repos.builds.markComplete(build.id, { elementCount: count, buildSeconds: written.seconds, checksum: written.checksum, norms });
    } catch (e) {
      const error = storageError(e, build.dir) ?? e;
      await this.repos.builds.markFailed(build.id, error instanceof Error ? error.message : String(error)).catch(() => undefined);
      await store.drop(build).catch(() => undefined);
      throw error;
    } finally {
      lease.stop();
      await cohort?.cohort.release();
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
   * The model's cohort with the build's artist spreads. Null (distances served raw, with a
   * warning) when the build was written without norms or against a cohort the model no longer holds.
   */
  private async loadNorms(model: ModelVersion, build: IndexBuild): Promise<ServingNorms | null> {
    if (!build.norms) {
      this.log.warn(`index ${build.id} was built without cohort radii: distances are served without cohort normalisation (rebuild the index to add them)`);
      return null;
    }
    const stored = await loadCohort(model.dir);
    const norms = servingNorms(build.norms, stored && { cohort: stored.cohort, sha256: stored.manifest.sha256 });
    if (!norms) {
      this.log.warn(`index ${build.id}: model v${model.version} ${stored ? 'holds another cohort than the build was measured against' : 'has no cohort'}: distances are served without cohort normalisation (rebuild the index)`);
      await stored?.cohort.release();
    }
    return norms;
  }

  /**
   * Paintings added or removed while the corpus was being embedded are applied to the new build
   * before it completes, so activating it loses none of them. Returns its element count.
   */
  private async reconcile(build: IndexBuild, model: ModelVersion, embedded: Set<number>, checksum: string, cohort: Cohort | null): Promise<number> {
    const now = await this.repos.catalog.corpus(model.datasetId !== null ? { datasetId: model.datasetId } : {});
    const added = now.filter((p) => !embedded.has(p.id));
    const present = new Set(now.map((p) => p.id));
    const removed = [...embedded].filter((id) => !present.has(id));
    const vectors = await this.stores.of(build).open({ ...build, checksum });
    try {
      if (added.length > 0) {
        const encoder = await this.encoders.query(model);
        for (const p of added) {
          const vector = await encoder.embedFiles([p.filePath]);
          const radius = cohort ? (await cohort.radii(vector, [p.id]))[0] : null;
          await vectors.add({ id: p.id, artistId: p.artistId, split: p.split, style: normaliseStyle(p.style), radius }, vector);
        }
      }
      for (const id of removed) await vectors.remove(id);
      if (added.length || removed.length) this.log.info(`index ${build.id}: ${added.length} painting(s) added and ${removed.length} removed while it was built`);
      return vectors.size;
    } finally {
      vectors.close();
    }
  }

  /** Renews a build's lease until stopped, so other replicas know its builder is alive. */
  private keepLease(buildId: number): { stop(): void } {
    const timer = setInterval(() => {
      this.repos.builds.renewLease(buildId, this.cfg.jobLeaseMs).catch((e) => this.log.warn(`index ${buildId}: lease not renewed: ${(e as Error).message}`));
    }, Math.max(100, Math.floor(this.cfg.jobLeaseMs / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /**
   * A finished rebuild: the alias moves to it unless a build is pinned, every replica is told, this
   * process loads it, and retention runs. Returns whether it became the active build.
   */
  async publish(build: IndexBuild, options: { load?: boolean } = {}): Promise<{ activated: boolean }> {
    const { moved } = await this.repos.alias.move(build.id, { ifUnpinned: true });
    if (!moved) {
      this.log.info(`index ${build.id} is complete; the alias stays on the pinned build`);
      return { activated: false };
    }
    await this.announce({ topic: 'alias' });
    if (options.load ?? true) await this.follow();
    await this.applyRetention().catch((e) => this.log.warn(`retention: ${(e as Error).message}`));
    return { activated: true };
  }

  /**
   * Moves the alias to a complete build (a rollback, or back to the newest). `pin` (default true)
   * keeps it there while rebuilds finish; pin false lets the next rebuild take over. `load`
   * (default true) makes this process serve it before returning (a command-line call does not).
   */
  async activate(buildId: number, options: { pin?: boolean; load?: boolean } = {}): Promise<BuildList> {
    const build = await this.repos.builds.get(buildId);
    if (!build) throw new PainterError('INDEX_BUILD_NOT_FOUND', `No index build ${buildId}`, { id: buildId });
    if (build.status !== 'complete') {
      throw new PainterError('INDEX_BUILD_NOT_ACTIVATABLE', `Index build ${buildId} is ${build.status}; only a complete build can serve`, { id: buildId, status: build.status });
    }
    // Loaded here first: a build that cannot serve must not become every replica's.
    const model = await this.resolveModel(build.modelVersion);
    await this.encoders.query(model);
    (await this.stores.of(build).open(build)).close();
    await this.repos.alias.move(buildId, { pin: options.pin ?? true });
    await this.announce({ topic: 'alias' });
    if (options.load ?? true) await this.follow();
    return this.list();
  }

  /** Lets the next finished rebuild move the alias again. */
  async unpin(): Promise<BuildList> {
    await this.repos.alias.setPinned(false);
    return this.list();
  }

  async setKeepBuilds(keep: number): Promise<BuildList> {
    await this.repos.alias.setKeepBuilds(keep);
    await this.applyRetention();
    return this.list();
  }

  async list(limit = 100): Promise<BuildList> {
    const [alias, builds] = await Promise.all([this.repos.alias.get(), this.repos.builds.list(limit)]);
    return {
      builds: builds.map((b) => summary(b, alias)),
      activeBuildId: alias.buildId,
      pinned: alias.pinned,
      keepBuilds: alias.keepBuilds ?? this.cfg.keepBuilds,
    };
  }

  alias(): Promise<IndexAlias> {
    return this.repos.alias.get();
  }

  /**
   * Deletes complete builds beyond the newest N (N from the alias row, else the configuration)
   * and failed builds older than every kept one: rows first, under the alias lock, then their
   * files or tables. The active build always stays.
   */
  async applyRetention(): Promise<number[]> {
    const retired = await this.repos.alias.retire((builds, alias) => buildsToRetire(builds, alias, alias.keepBuilds ?? this.cfg.keepBuilds));
    for (const b of retired) {
      await this.stores.of(b).drop(b).catch((e) => this.log.warn(`index ${b.id}: could not delete its vectors: ${(e as Error).message}`));
    }
    if (retired.length) this.log.info(`retention: deleted index build(s) ${retired.map((b) => b.id).join(', ')}`);
    return retired.map((b) => b.id);
  }

  /**
   * At start-up: builds whose builder is gone are marked failed, staging folders they left are
   * removed, and the build the alias names is loaded. Before any alias exists (a first start, or
   * a database from before aliases), the newest complete build that loads becomes the alias.
   */
  async start(): Promise<ServingIndex | null> {
    await this.failAbandoned();
    const swept = await this.sweepStaging();
    if (swept) this.log.warn(`${swept} staging director${swept === 1 ? 'y' : 'ies'} of killed builds removed`);
    const alias = await this.repos.alias.get();
    if (alias.buildId === null) {
      const serving = await this.loadNewestGood();
      if (serving) await this.repos.alias.move(serving.buildId, { ifUnpinned: true }).catch(() => undefined);
      return serving;
    }
    await this.follow();
    return this.live.serving ?? this.loadNewestGood();
  }

  /** Builds 'building' whose lease ran out: failed, their partial vectors removed. */
  async failAbandoned(): Promise<number> {
    const abandoned = await this.repos.builds.failAbandoned('interrupted: its builder stopped renewing the lease (the process was killed or lost)');
    for (const b of abandoned) await this.stores.of(b).drop(b).catch(() => undefined);
    if (abandoned.length) this.log.warn(`${abandoned.length} interrupted index build(s) marked failed`);
    return abandoned.length;
  }

  /**
   * Serves what the alias names, loading it when it moved, and catches the served build up with
   * live changes. Called on notifications and on every poll; calls never overlap.
   */
  follow(): Promise<void> {
    this.following = this.following.then(() => this.followOnce()).catch((e) => this.log.warn(`index sync: ${(e as Error).message}`));
    return this.following;
  }

  private async followOnce(): Promise<void> {
    const alias = await this.repos.alias.get();
    const serving = this.live.serving;
    const moved = alias.revision !== this.seenRevision;
    this.seenRevision = alias.revision;
    if (alias.buildId === null || serving?.buildId === alias.buildId || (!moved && this.unloadable === alias.buildId)) {
      await serving?.index.refresh();
      return;
    }
    const build = await this.repos.builds.get(alias.buildId);
    if (!build) return;
    try {
      await this.swapIn(build);
      this.unloadable = null;
    } catch (e) {
      if (!isPainterError(e)) throw e;
      this.unloadable = build.id;
      this.log.warn(`index ${build.id} skipped: ${e.message} (the alias names it; ${serving ? `still serving ${serving.buildId}` : 'falling back to the newest good build'})`);
    }
  }

  /** The newest complete build that passes its checks; a corrupt one is skipped with a warning. */
  private async loadNewestGood(): Promise<ServingIndex | null> {
    for (const build of await this.repos.builds.listComplete()) {
      try {
        return await this.swapIn(build);
      } catch (e) {
        if (!isPainterError(e) || (e.code !== 'INDEX_CORRUPT' && e.code !== 'MODEL_NOT_FOUND' && e.code !== 'MODEL_CORRUPT' && e.code !== 'CONFIG_INVALID')) throw e;
        this.log.warn(`index ${build.id} skipped: ${e.message}`);
      }
    }
    return null;
  }

  /**
   * Staging folders (`<id>.build-<pid>-<random>`) of hnswlib builds no longer 'building': the
   * database, not a process id, says whether their builder is alive (replicas on other hosts
   * share the folder).
   */
  private async sweepStaging(): Promise<number> {
    const root = join(this.cfg.dataDir, 'indexes');
    let removed = 0;
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const m = /^(\d+)\.build-\d+-/.exec(name);
      if (!m) continue;
      const build = await this.repos.builds.get(Number(m[1]));
      if (build?.status === 'building') continue;
      await rm(join(root, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  /** Opens a complete build and makes it this process's serving index. */
  async swapIn(build: IndexBuild): Promise<ServingIndex> {
    if (build.status !== 'complete' || !build.checksum) throw new PainterError('INDEX_CORRUPT', `Index ${build.id} is ${build.status}`);
    const model = await this.resolveModel(build.modelVersion);
    // Load the query encoder first: a model that cannot serve must not replace one that can.
    await this.encoders.query(model);
    const index = await this.stores.of(build).open(build);
    const serving: ServingIndex = {
      buildId: build.id,
      modelVersion: build.modelVersion,
      store: build.store,
      index,
      norms: await this.loadNorms(model, build),
      params: build.params,
      buildSeconds: build.buildSeconds,
      createdAt: build.createdAt,
    };
    const previous = this.live.swap(serving);
    if (previous && previous.buildId !== serving.buildId) previous.index.close();
    if (previous?.norms && previous.norms.cohort !== serving.norms?.cohort) void previous.norms.cohort.release();
    this.log.info(`serving index ${build.id} (${build.store}, model v${build.modelVersion}, ${index.size} paintings)`);
    return serving;
  }

  /**
   * Adds one painting to the active build, with its cohort radius; every replica sees it. The
   * artists' spreads stay those measured with the build (the next rebuild measures them again).
   */
  async addPainting(painting: { id: number; artistId: number | null; split: PaintingSplit; style: string | null; filePath: string }): Promise<void> {
    const serving = this.live.require();
    const model = await this.resolveModel(serving.modelVersion);
    const encoder = await this.encoders.query(model);
    const vector = await encoder.embedFiles([painting.filePath]);
    const radius = serving.norms ? (await serving.norms.cohort.radii(vector, [painting.id]))[0] : null;
    await serving.index.add({ id: painting.id, artistId: painting.artistId, split: painting.split, style: normaliseStyle(painting.style), radius }, vector);
    await this.changed(serving);
  }

  async removePainting(id: number): Promise<boolean> {
    const serving = this.live.serving;
    if (!serving) return false;
    const removed = await serving.index.remove(id);
    if (removed) await this.changed(serving);
    return removed;
  }

  private async changed(serving: ServingIndex): Promise<void> {
    // pgvector keeps the build row's count in the same transaction as the row; hnswlib replicas count what they replayed.
    if (serving.store === 'hnswlib') await this.repos.builds.setElementCount(serving.buildId, serving.index.size).catch(() => undefined);
    await this.announce({ topic: 'change', buildId: serving.buildId });
  }

  private async announce(event: Parameters<Notifier['publish']>[0]): Promise<void> {
    await this.notifier?.publish(event).catch((e) => this.log.warn(`notification not sent (replicas will poll): ${(e as Error).message}`));
  }
}

function summary(b: IndexBuild, alias: IndexAlias): BuildSummary {
  const active = alias.buildId === b.id;
  return {
    id: b.id,
    modelVersion: b.modelVersion,
    status: b.status,
    store: b.store,
    elementCount: b.elementCount,
    params: b.params,
    buildSeconds: b.buildSeconds,
    failureReason: b.failureReason,
    createdAt: b.createdAt.toISOString(),
    completedAt: b.completedAt?.toISOString() ?? null,
    active,
    pinned: active && alias.pinned,
  };
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
