import { Router } from 'express';
import { jsonBody } from '../http/body.js';
import { activateBody, buildIdSchema, compact, mapQuery, modelVersionBody, parse, retentionBody } from '../http/params.js';
import type { RouteDeps } from './deps.js';
import { sendJob } from './jobs.js';

/**
 * The index: its status, a 2-D map of its paintings, rebuilding it as a job (JOB_CONFLICT 409
 * while one runs), and its builds: listing them, activating (pinning) one, unpinning, retention.
 */
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
  r.get('/api/index/builds', async (_req, res) => {
    res.json(await services.index.builds());
  });
  r.post('/api/index/builds/:id/activate', requireApiKey, async (req, res) => {
    res.json(await services.index.activate(parse(buildIdSchema, req.params.id, 'id'), compact(parse(activateBody, jsonBody(req)))));
  });
  r.delete('/api/index/pin', requireApiKey, async (_req, res) => {
    res.json(await services.index.unpin());
  });
  r.put('/api/index/retention', requireApiKey, async (req, res) => {
    res.json(await services.index.setRetention(parse(retentionBody, jsonBody(req)).keep));
  });
  return r;
}
