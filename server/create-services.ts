/**
 * Wires the core services to the server's contract: one database, one live index, one encoder
 * cache shared by queries, catalog, jobs and health.
 */
import { join } from 'node:path';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import type { Repositories } from '../src/db/repositories/repositories.js';
import { backupName, createBackup } from '../src/backup/backup.js';
import { PainterError } from '../src/errors.js';
import { NO_INSTRUMENTS, type Instruments } from '../src/instruments.js';
import { EmbeddingMapService } from '../src/services/embedding-map-service.js';
import { EncoderProvider } from '../src/services/encoder-provider.js';
import { CatalogService } from '../src/services/catalog-service.js';
import { IndexService, type Logger } from '../src/services/index-service.js';
import { JobService, type TrainFunction } from '../src/services/job-service.js';
import { LiveIndex } from '../src/services/live-index.js';
import { ModelService } from '../src/services/model-service.js';
import { QueryService } from '../src/services/query-service.js';
import { UploadStore } from '../src/services/upload-store.js';
import { mapWithUrls, nearestWithUrls, similarWithUrls, withUrls } from './http/painting-urls.js';
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

export interface ServiceOptions {
  train?: TrainFunction;
  /** Where the core reports its measurements (default: nowhere). */
  instruments?: Instruments;
  /** The open database, for backups (without it, backups are refused). */
  db?: Database;
}

export function createServices(cfg: Config, repos: Repositories, log: Logger, { train, instruments = NO_INSTRUMENTS, db }: ServiceOptions = {}): CoreServices {
  const live = new LiveIndex();
  const encoders = new EncoderProvider(cfg, instruments);
  const indexes = new IndexService(cfg, repos, live, encoders, log);
  const uploads = new UploadStore(join(cfg.dataDir, 'uploads'));
  const queries = new QueryService(repos, live, encoders, uploads);
  const catalog = new CatalogService(cfg, repos, live, indexes);
  const models = new ModelService(repos, live);
  const jobs = new JobService(cfg, repos, indexes, queries, log, train);
  const maps = new EmbeddingMapService(repos.catalog, live);

  const api: ServerServices = {
    query: {
      nearestArtists: (image, o) => queries.nearestArtists(image, o).then(nearestWithUrls),
      similarPaintings: (image, o) => queries.similarPaintings(image, o).then(similarWithUrls),
      verify: (a, b) => queries.verify(a, b),
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
    },
    index: {
      status: async () => {
        const s = live.serving;
        const building = await jobs.activeIndexJob();
        return {
          serving: s
            ? {
                id: s.buildId,
                modelVersion: s.modelVersion,
                elementCount: s.index.size,
                params: s.params,
                buildSeconds: s.buildSeconds,
                createdAt: s.createdAt.toISOString(),
              }
            : null,
          building,
        };
      },
      embeddingMap: (options) => maps.map(options).then(mapWithUrls),
    },
    jobs: {
      startIndex: (input) => jobs.startIndex(input).then(toApiJob),
      startTraining: (input) => jobs.startTraining(input).then(toApiJob),
      startEvaluation: (input) => jobs.startEvaluation(input).then(toApiJob),
      get: (id) => jobs.get(id).then(toApiJob),
      list: () => jobs.list().then((l) => l.map(toApiJob)),
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
      // A job that cannot stop in time (a training step) is left; the next start marks it failed.
      jobs.cancelAll();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([jobs.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      await encoders.close();
    },
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
  };
}
