/**
 * The HTTP application: REST under /api, health probes, GraphQL at /graphql, the web page at /,
 * one error shape.
 * It does not listen; the caller does (and calls close() after the HTTP server has closed).
 */
import express from 'express';
import { DEFAULT_BATCH_LIMITS, type Config } from '../src/config.js';
import { createGraphql } from './graphql/apollo.js';
import { createApiKeyCheck } from './http/api-key.js';
import { errorHandler, notFound, type ServerLog } from './http/errors.js';
import { createRateLimit } from './http/rate-limit.js';
import { createUploads } from './http/upload.js';
import { createBatchUpload } from './http/batch-upload.js';
import { artistsRoutes } from './routes/artists.js';
import { batchRoutes } from './routes/batch.js';
import type { RouteDeps } from './routes/deps.js';
import { healthRoutes } from './routes/health.js';
import { indexRoutes } from './routes/index.js';
import { jobsRoutes } from './routes/jobs.js';
import { modelsRoutes } from './routes/models.js';
import { paintingsRoutes } from './routes/paintings.js';
import { uploadsRoutes } from './routes/uploads.js';
import { verifyRoutes } from './routes/verify.js';
import { webRoutes } from './routes/web.js';
import type { ServerServices } from './services.js';

export interface CreateAppOptions {
  services: ServerServices;
  config: Pick<Config, 'apiKeys' | 'maxUploadBytes' | 'graphqlIntrospection'> & Partial<Pick<Config, 'rateLimitPerMinute' | 'batchLimits'>>;
  /** Where unexpected errors are reported (default: stderr). */
  log?: ServerLog;
  /** The built web page (default: web/dist). */
  webDir?: string;
}

export interface App {
  app: express.Express;
  /** Stops GraphQL; call after the HTTP server stopped accepting. */
  close(): Promise<void>;
}

const stderrLog: ServerLog = {
  info: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
  warn: (m) => process.stderr.write(`${new Date().toISOString()} warning: ${m}\n`),
};

export async function createApp({ services, config, log = stderrLog, webDir }: CreateAppOptions): Promise<App> {
  const app = express();
  app.disable('x-powered-by');
  // Plain key=value query strings only: no nested objects from `a[b]=c`.
  app.set('query parser', 'simple');
  // Health probes stay outside the limit: orchestrators poll them.
  app.use(['/api', '/graphql'], createRateLimit(config.rateLimitPerMinute ?? 0));
  app.use(express.json({ limit: config.maxUploadBytes }));

  const apiKey = createApiKeyCheck(config.apiKeys);
  const batchLimits = config.batchLimits ?? DEFAULT_BATCH_LIMITS;
  const deps: RouteDeps = {
    services,
    uploads: createUploads(config.maxUploadBytes),
    batchUpload: createBatchUpload(config.maxUploadBytes, batchLimits),
    batchLimits,
    requireApiKey: apiKey.middleware,
  };
  app.use(healthRoutes(deps, log));
  app.use(batchRoutes(deps));
  app.use(artistsRoutes(deps));
  app.use(paintingsRoutes(deps));
  app.use(verifyRoutes(deps));
  app.use(uploadsRoutes(deps));
  app.use(modelsRoutes(deps));
  app.use(indexRoutes(deps));
  app.use(jobsRoutes(deps));

  const graphql = await createGraphql({ services, apiKey, introspection: config.graphqlIntrospection, log, batchLimits });
  app.all('/graphql', graphql.middleware);
  app.use(webRoutes(webDir));

  app.use(notFound);
  app.use(errorHandler(log));
  return { app, close: () => graphql.stop() };
}
