/**
 * Wires the core services to the server's contract: one database, one live index, one encoder
 * cache shared by queries, catalog, jobs and health.
 */
import { join } from 'node:path';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import type { Notifier } from '../src/db/notifier.js';
import type { Repositories } from '../src/db/repositories/repositories.js';
import { backupName, createBackup } from '../src/backup/backup.js';
import { PainterError } from '../src/errors.js';
import { NO_INSTRUMENTS, type Instruments } from '../src/instruments.js';
import { EmbeddingMapService } from '../src/services/embedding-map-service.js';
import { CalibrationService } from '../src/services/calibration-service.js';
import { EncoderProvider } from '../src/services/encoder-provider.js';
import { CatalogService } from '../src/services/catalog-service.js';
import { IndexService, type Logger } from '../src/services/index-service.js';
import { JobService, type TrainFunction } from '../src/services/job-service.js';
import { LiveIndex } from '../src/services/live-index.js';
import { ModelService } from '../src/services/model-service.js';
import { QueryService } from '../src/services/query-service.js';
import { UploadStore } from '../src/services/upload-store.js';
import type { VectorStores } from '../src/vector-store/vector-stores.js';
import { batchWithUrls, mapWithUrls, nearestWithUrls, similarWithUrls, withUrls } from './http/painting-urls.js';
import type { ServerServices } from './services.js';

export interface CoreServices {
  live: LiveIndex;
  encoders: EncoderProvider;
  indexes: IndexService;
  queries: QueryService;
  catalog: CatalogService;
  models: ModelService;
  jobs: JobService;
  uploads: UploadStore;
  api: ServerServices;
  close(graceMs?: number): Promise<void>;
}

/** What the services share with other processes: where vectors live, and how replicas hear of changes. */
export interface SharedInfrastructure {
  stores: VectorStores;
  notifier: Notifier;
}

export interface ServiceOptions {
  train?: TrainFunction;
  /** Where the core reports its measurements (default: nowhere). */
  instruments?: Instruments;
  /** The open database, for backups (without it, backups are refused). */
  db?: Database;
}

export function createServices(cfg: Config, repos: Repositories, shared: SharedInfrastructure, log: Logger, { train, instruments = NO_INSTRUMENTS, db }: ServiceOptions = {}): CoreServices {
  const live = new LiveIndex();
  const encoders = new EncoderProvider(cfg, instruments);
  const indexes = new IndexService(cfg, repos, live, encoders, shared.stores, shared.notifier, log);
  const uploads = new UploadStore(join(cfg.dataDir, 'uploads'));
  const calibrations = new CalibrationService(repos);
  const queries = new QueryService(repos, live, encoders, uploads, calibrations);
  const catalog = new CatalogService(cfg, repos, live, indexes);
  const models = new ModelService(repos, live, calibrations);
  const jobs = new JobService(cfg, repos, indexes, queries, shared.notifier, log, train);
  const stopFollowing = followAlias(indexes, shared.notifier, cfg.indexPollMs);
  const maps = new EmbeddingMapService(repos.catalog, live);

  const api: ServerServices = {
    query: {
      nearestArtists: (image, o) => queries.nearestArtists(image, o).then(nearestWithUrls),
      similarPaintings: (image, o) => queries.similarPaintings(image, o).then(similarWithUrls),
      verify: (a, b) => queries.verify(a, b),
      nearestArtistsMany: (images, o) => queries.nearestArtistsMany(images, o).then((b) => batchWithUrls(b, nearestWithUrls)),
      similarPaintingsMany: (images, o) => queries.similarPaintingsMany(images, o).then((b) => batchWithUrls(b, similarWithUrls)),
      verifyMany: (pairs) => queries.verifyMany(pairs),
    },
    uploads: {
      store: async (bytes, filename) => {
        const u = await uploads.store(bytes, filename);
        return { id: u.id, width: u.width, height: u.height, expiresAt: u.expiresAt.toISOString() };
      },
    },
    catalog: {
      artists: (p) => catalog.artists(p),
      artist: (id) => catalog.artist(id),
      paintings: (p) => catalog.paintings(p).then((page) => ({ ...page, items: page.items.map(withUrls) })),
      painting: (id) => catalog.painting(id).then(withUrls),
      imageFile: (id) => catalog.imageFile(id),
      thumbnail: (id, size) => catalog.thumbnail(id, size),
      addPainting: (input) => catalog.addPainting(input).then(withUrls),
      removePainting: (id) => catalog.removePainting(id),
    },
    models: {
      list: () => models.list(),
      get: (v) => models.get(v),
      rocEvaluation: (v) => models.rocEvaluation(v),
      chooseCalibration: (v, id) => models.chooseCalibration(v, id),
    },
    index: {
      status: async () => {
        const s = live.serving;
        const [building, alias] = await Promise.all([jobs.activeIndexJob(), indexes.alias()]);
        return {
          serving: s
            ? {
                id: s.buildId,
                modelVersion: s.modelVersion,
                store: s.store,
                elementCount: s.index.size,
                params: s.params,
                buildSeconds: s.buildSeconds,
                createdAt: s.createdAt.toISOString(),
              }
            : null,
          activeBuildId: alias.buildId,
          pinned: alias.pinned,
          building,
        };
      },
      embeddingMap: (options) => maps.map(options).then(mapWithUrls),
      builds: () => indexes.list(),
      activate: (id, options) => indexes.activate(id, options),
      unpin: () => indexes.unpin(),
      setRetention: (keep) => indexes.setKeepBuilds(keep),
    },
    jobs: {
      startIndex: (input) => jobs.startIndex(input).then(toApiJob),
      startTraining: (input) => jobs.startTraining(input).then(toApiJob),
      startEvaluation: (input) => jobs.startEvaluation(input).then(toApiJob),
      get: (id) => jobs.get(id).then(toApiJob),
      list: () => jobs.list().then((l) => l.map(toApiJob)),
      cancel: (id) => jobs.cancel(id).then(toApiJob),
    },
    backups: {
      create: async () => {
        if (!db) throw new PainterError('BACKUP_FAILED', 'This server was started without access to its database for backups');
        const name = backupName();
        const { dir, manifest } = await createBackup(cfg, db, join(cfg.backupDir, name), { activeBuildId: live.serving?.buildId, log: (m) => log.info(m) });
        return {
          name,
          dir,
          createdAt: manifest.createdAt,
          method: manifest.database.method,
          modelVersions: manifest.contents.modelVersions,
          indexBuild: manifest.contents.indexBuild,
          addedPaintings: manifest.contents.addedPaintings,
          files: manifest.files.length,
          bytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
        };
      },
    },
    health: {
      ready: async () => {
        const database = await repos.catalog.ping(2000);
        const index = live.serving !== null;
        const reasons = [...(database ? [] : ['database unreachable']), ...(index ? [] : ['no index loaded'])];
        return { ready: database && index, database, index, reasons };
      },
    },
  };

  return {
    live,
    encoders,
    indexes,
    queries,
    catalog,
    models,
    jobs,
    uploads,
    api,
    async close(graceMs = 10_000) {
      stopFollowing();
      // A job that cannot stop in time (a training step) is let go: its lease decides (re-queued or failed).
      await jobs.close(graceMs);
      await encoders.close();
    },
  };
}

/**
 * Keeps this process on the build the alias names: at once when another replica announces a move
 * or a live change, and every `pollMs` in any case, so a missed notification heals.
 */
function followAlias(indexes: IndexService, notifier: Notifier, pollMs: number): () => void {
  const unsubscribe = notifier.subscribe((e) => {
    if (e.topic === 'alias' || e.topic === 'change') void indexes.follow();
  });
  const timer = setInterval(() => void indexes.follow(), pollMs);
  timer.unref();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}

type StoredJob = Awaited<ReturnType<JobService['get']>>;

function toApiJob(j: StoredJob) {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    phase: j.phase,
    progress: { done: j.done, total: j.total },
    params: j.params,
    result: j.result,
    error: j.errorCode ? { code: j.errorCode, message: j.errorMessage ?? '' } : null,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    owner: j.owner,
    attempts: j.attempts,
    cancelRequested: j.cancelRequestedAt !== null,
  };
}
