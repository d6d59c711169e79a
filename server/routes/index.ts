import { Router } from 'express';
import { jsonBody } from '../http/body.js';
import { compact, mapQuery, modelVersionBody, parse } from '../http/params.js';
import type { RouteDeps } from './deps.js';
import { sendJob } from './jobs.js';

/** The HNSW index: its status, a 2-D map of its paintings, and rebuilding it as a job (JOB_CONFLICT 409 while one runs). */
export function indexRoutes({ services, requireApiKey }: RouteDeps): Router {
  const r = Router();
  r.get('/api/index', async (_req, res) => {
    res.json(await services.index.status());
  });
  r.get('/api/index/map', async (req, res) => {
    res.json(await services.index.embeddingMap(compact(parse(mapQuery, req.query))));
  });
  r.post('/api/index/rebuild', requireApiKey, async (req, res) => {
    sendJob(res, await services.jobs.startIndex(compact(parse(modelVersionBody, jsonBody(req)))));
  });
  return r;
}
