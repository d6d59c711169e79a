import type { Response } from 'express';
import { z } from 'zod';
import { job } from '../../src/shapes/jobs.js';
import { defineRoute } from '../api/route.js';
import { jsonBody } from '../http/body.js';
import { compact, jobIdParams, modelVersionBody, parse, trainBody } from '../http/params.js';
import type { Job } from '../services.js';

/** A started job: 202 Accepted, with where to poll it. */
export function sendJob(res: Response, started: Job): void {
  res.status(202).location(`/api/jobs/${encodeURIComponent(started.id)}`).json(started);
}

export const startedJob = { 202: { description: 'The job, queued', schema: job, headers: { Location: 'Where to poll the job' } } };

export const jobRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/jobs',
    access: 'read',
    tag: 'Jobs',
    summary: 'Every job, newest first',
    responses: { 200: { description: 'The jobs', schema: z.array(job) } },
    handle: ({ services }) => services.jobs.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/api/jobs/:id',
    access: 'read',
    tag: 'Jobs',
    summary: 'A job with its phase and progress',
    params: jobIdParams,
    responses: { 200: { description: 'The job', schema: job } },
    errors: ['JOB_NOT_FOUND'],
    handle: ({ params, services }) => services.jobs.get(params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/jobs/train',
    access: 'admin',
    tag: 'Jobs',
    summary: 'Train a model version (then evaluate it and rebuild the index)',
    body: { json: trainBody },
    responses: startedJob,
    errors: ['JOB_CONFLICT', 'DATASET_NOT_FOUND'],
    handle: async ({ req, res, services }) => sendJob(res, await services.jobs.startTraining(compact(parse(trainBody, jsonBody(req))))),
  }),
  defineRoute({
    method: 'post',
    path: '/api/jobs/evaluate',
    access: 'admin',
    tag: 'Jobs',
    summary: 'Evaluate a model on the test split (default: the newest complete one)',
    body: { json: modelVersionBody },
    responses: startedJob,
    errors: ['JOB_CONFLICT', 'MODEL_NOT_FOUND'],
    handle: async ({ req, res, services }) => sendJob(res, await services.jobs.startEvaluation(compact(parse(modelVersionBody, jsonBody(req))))),
  }),
];
