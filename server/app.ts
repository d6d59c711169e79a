/**
 * The HTTP application: the route table (REST under /api, health probes, metrics, the OpenAPI
 * document and its reference page, GraphQL at /graphql), the web page at /, one error shape.
 * Every request gets an id and a log line, and is counted in the metrics by its route pattern.
 * It does not listen; the caller does (and calls close() after the HTTP server has closed).
 */
import cors from 'cors';
import express from 'express';
import { pino } from 'pino';
import type { Config } from '../src/config.js';
import { mountRoutes } from './api/mount.js';
import { buildOpenApiDocument } from './api/openapi.js';
import { referenceAssets } from './api/reference.js';
import type { AnyRoute, RouteDeps } from './api/route.js';
import { createGraphql } from './graphql/apollo.js';
import { createAccessControl } from './http/access.js';
import { errorHandler, notFound, type ServerLog } from './http/errors.js';
import { createRateLimit } from './http/rate-limit.js';
import { createUploads } from './http/upload.js';
import { createMetrics, type ServerMetrics } from './observability/metrics.js';
import { requestLogger, routeOf, serviceLogger, type Pino } from './observability/logging.js';
import { ROUTES } from './routes/all.js';
import { webRoutes } from './routes/web.js';
import type { ServerServices } from './services.js';
import { API_VERSION } from './version.js';

export type AppConfig = Pick<Config, 'adminKeys' | 'maxUploadBytes' | 'graphqlIntrospection'> &
  Partial<Pick<Config, 'readKeys' | 'rateLimitPerMinute' | 'trustProxy' | 'corsOrigins'>>;

export interface CreateAppOptions {
  services: ServerServices;
  config: AppConfig;
  /** Where request lines and unexpected errors go (default: nowhere). */
  logger?: Pino;
  /** Where warnings go (default: the logger). */
  log?: ServerLog;
  /** The process's metrics registry (default: a fresh one). */
  metrics?: ServerMetrics;
  /** The built web page (default: web/dist). */
  webDir?: string;
  /** The route table (default: every route of the API). */
  routes?: readonly AnyRoute[];
}

export interface App {
  app: express.Express;
  /** Stops GraphQL; call after the HTTP server stopped accepting. */
  close(): Promise<void>;
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  const { services, config, webDir, routes = ROUTES } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const log = options.log ?? serviceLogger(logger);
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
  metrics.observe({ indexStatus: () => services.index.status(), jobs: () => services.jobs.list() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  // Plain key=value query strings only: no nested objects from `a[b]=c`.
  app.set('query parser', 'simple');
  app.use(requestLogger(logger));
  app.use((_req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => metrics.request(res.req.method, routeOf(res), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  });
  const origins = config.corsOrigins ?? [];
  if (origins.length > 0) {
    app.use(
      ['/api', '/graphql'],
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'x-request-id', 'apollo-require-preflight'],
        exposedHeaders: ['x-request-id', 'retry-after', 'location'],
        maxAge: 600,
      }),
    );
  }

  const access = createAccessControl({ readKeys: config.readKeys ?? [], adminKeys: config.adminKeys });
  // Health probes and metrics stay outside the limit: orchestrators and scrapers poll them.
  app.use(['/api', '/graphql'], createRateLimit(config.rateLimitPerMinute ?? 0, (headers) => access.identify(headers).keyId));
  app.use(express.json({ limit: config.maxUploadBytes }));

  const graphql = await createGraphql({ services, access, introspection: config.graphqlIntrospection, log });
  let document: object | null = null;
  const deps: RouteDeps = {
    services,
    uploads: createUploads(config.maxUploadBytes),
    log,
    graphql: graphql.middleware,
    metrics,
    openapi: () => (document ??= buildOpenApiDocument(routes, { version: API_VERSION })),
  };
  app.use(mountRoutes(routes, deps, access));
  app.use(referenceAssets());
  app.use(webRoutes(webDir));

  app.use(notFound);
  app.use(errorHandler(log, (kind) => metrics.databaseError(kind)));
  return { app, close: () => graphql.stop() };
}
