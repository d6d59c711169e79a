/**
 * `painter serve`: opens the database, recovers from an interrupted run (stale jobs and builds are
 * marked failed), prepares the demo corpus on a fresh install, loads the newest good index and
 * starts listening. Closing stops accepting, lets running jobs end, and closes the database.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeBackend, initBackend } from '../src/compute/backend.js';
import type { Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories/repositories.js';
import { writeServerLock } from '../src/backup/server-lock.js';
import { prepareDemo } from '../src/demo/prepare-demo.js';
import type { Logger } from '../src/services/index-service.js';
import type { TrainFunction } from '../src/services/job-service.js';
import { trainModel } from '../training/train-service.js';
import { createApp } from './app.js';
import { createServices, type CoreServices } from './create-services.js';
import { createLogger, serviceLogger, type Pino } from './observability/logging.js';
import { createMetrics, type ServerMetrics } from './observability/metrics.js';

export interface StartOptions {
  /** Where the services' messages go (default: the logger). */
  log?: Logger;
  /** Request lines and everything else (default: pino on stderr, as PAINTER_LOG_FORMAT says). */
  logger?: Pino;
  /** The process's metrics registry (default: a fresh one with Node's process metrics). */
  metrics?: ServerMetrics;
  /** Generate, train and index a demo corpus when nothing has been imported (default true). */
  demo?: boolean;
  /** Host to bind (default all interfaces). */
  host?: string;
  /** On close, requests still running after this long are cut off (default 10 s). */
  graceMs?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  core: CoreServices;
  db: Database;
  log: Logger;
  metrics: ServerMetrics;
  close(): Promise<void>;
}

export async function startServer(cfg: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(cfg);
  const log = options.log ?? serviceLogger(logger);
  // Built once for the process and handed to everything that measures.
  const metrics = options.metrics ?? createMetrics();
  const backend = describeBackend(await initBackend(cfg.backend));
  log.info(backend);
  const db = await openDatabase(cfg);
  const repos = createRepositories(db);
  log.info(`database: ${db.kind === 'postgres' ? 'PostgreSQL' : `embedded (${cfg.embeddedDbDir})`}`);

  const train: TrainFunction = async (overrides, report) => {
    const r = await trainModel(cfg, repos, {
      overrides,
      backend,
      onPhase: report,
      onStep: (p) => report(`training epoch ${p.epoch}/${p.epochs}`, p.step, p.steps),
    });
    return { version: r.version, seconds: r.seconds };
  };
  const core = createServices(cfg, repos, log, { train, instruments: metrics.instruments, db });
  try {
    const stale = await core.jobs.recoverInterrupted();
    if (stale) log.warn(`${stale} job(s) interrupted by the last stop marked failed`);
    if (options.demo ?? true) {
      await prepareDemo(cfg, repos, {
        indexes: core.indexes,
        log,
        trainDemoModel: async (datasetId) => trainModel(cfg, repos, { overrides: { preset: 'pretrained', epochs: 6 }, datasetId, backend }),
      });
    }
    const serving = await core.indexes.loadNewest();
    if (!serving) log.warn('no index to serve yet: run `painter index` (or POST /api/index/rebuild); queries answer 503 until then');
  } catch (e) {
    await core.close().catch(() => undefined);
    await db.close();
    throw e;
  }

  const { app, close: closeApp } = await createApp({ services: core.api, config: cfg, logger, log, metrics });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.port, options.host ?? '0.0.0.0', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address}:${address.port}`;
  log.info(`listening on ${url} (REST under /api, GraphQL at /graphql)`);
  const unlock = await writeServerLock(cfg.dataDir, { pid: process.pid, url, database: db.kind, startedAt: new Date().toISOString() }).catch(() => async () => undefined);

  let closing: Promise<void> | null = null;
  return {
    url,
    server,
    core,
    db,
    log,
    metrics,
    close() {
      closing ??= (async () => {
        // Stop accepting; idle keep-alive connections close now, busy ones get the grace period.
        const cutOff = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        clearTimeout(cutOff);
        await closeApp();
        await core.close(options.graceMs ?? 10_000);
        await db.close();
        await unlock();
      })();
      return closing;
    },
  };
}
