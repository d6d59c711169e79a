import { liveness, readiness } from '../../src/shapes/health.js';
import { defineRoute } from '../api/route.js';

/** Liveness answers without touching anything; readiness asks the services. Both stay outside the rate limit. */
export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    access: 'public',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    responses: { 200: { description: 'Up', schema: liveness } },
    handle: () => ({ status: 'ok' }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    access: 'public',
    tag: 'Operations',
    summary: 'Readiness: database reachable and an index loaded',
    responses: { 200: { description: 'Ready', schema: readiness }, 503: { description: 'Not ready, with the reasons', schema: readiness } },
    handle: async ({ res, services, deps }) => {
      const ready = await services.health.ready().catch((e: Error) => {
        // A probe must get "not ready", not a 500 that looks like a crash.
        deps.log.warn(`readiness check failed: ${e.message}`);
        return { ready: false, database: false, index: false, reasons: ['readiness check failed'] };
      });
      res.status(ready.ready ? 200 : 503).json(ready);
    },
  }),
];
