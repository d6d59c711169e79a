import { Router } from 'express';
import type { ServerLog } from '../http/errors.js';
import type { RouteDeps } from './deps.js';

/** Liveness answers without touching anything; readiness asks the services. */
export function healthRoutes({ services }: RouteDeps, log: ServerLog): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    try {
      const ready = await services.health.ready();
      res.status(ready.ready ? 200 : 503).json(ready);
    } catch (e) {
      // A probe must get "not ready", not a 500 that looks like a crash.
      log.warn(`readiness check failed: ${(e as Error).message}`);
      res.status(503).json({ ready: false, database: false, index: false, reasons: ['readiness check failed'] });
    }
  });
  return r;
}
