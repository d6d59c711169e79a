import { Router } from 'express';
import { jsonBody } from '../http/body.js';
import { compact, modelVersionBody, parse } from '../http/params.js';
import type { RouteDeps } from './deps.js';
import { sendJob } from './jobs.js';

/** The HNSW index: its status, and rebuilding it as a job (JOB_CONFLICT 409 while one runs). */
export function indexRoutes({ services, requireApiKey }: RouteDeps): Router {
  const r = Router();
  r.get('/api/index', async (_req, res) => {
    res.json(await services.index.status());
  });
  r.post('/api/index/rebuild', requireApiKey, async (req, res) => {
    sendJob(res, await services.jobs.startIndex(compact(parse(modelVersionBody, jsonBody(req)))));
  });
  return r;
}
