import { Router, type Response } from 'express';
import { jsonBody } from '../http/body.js';
import { compact, jobIdSchema, modelVersionBody, parse, trainBody } from '../http/params.js';
import type { Job } from '../services.js';
import type { RouteDeps } from './deps.js';

/** A started job: 202 Accepted, with where to poll it. */
export function sendJob(res: Response, job: Job): void {
  res.status(202).location(`/api/jobs/${encodeURIComponent(job.id)}`).json(job);
}

export function jobsRoutes({ services, requireApiKey }: RouteDeps): Router {
  const r = Router();
  r.get('/api/jobs', async (_req, res) => {
    res.json(await services.jobs.list());
  });
  r.get('/api/jobs/:id', async (req, res) => {
    res.json(await services.jobs.get(parse(jobIdSchema, req.params.id, 'id')));
  });
  r.post('/api/jobs/train', requireApiKey, async (req, res) => {
    sendJob(res, await services.jobs.startTraining(compact(parse(trainBody, jsonBody(req)))));
  });
  r.delete('/api/jobs/:id', requireApiKey, async (req, res) => {
    sendJob(res, await services.jobs.cancel(parse(jobIdSchema, req.params.id, 'id')));
  });
  r.post('/api/jobs/evaluate', requireApiKey, async (req, res) => {
    sendJob(res, await services.jobs.startEvaluation(compact(parse(modelVersionBody, jsonBody(req)))));
  });
  return r;
}
