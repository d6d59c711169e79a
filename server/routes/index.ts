import { apiMap } from '../../src/shapes/embedding-map.js';
import { indexStatus } from '../../src/shapes/jobs.js';
import { defineRoute } from '../api/route.js';
import { jsonBody } from '../http/body.js';
import { compact, mapQuery, modelVersionBody, parse } from '../http/params.js';
import { sendJob, startedJob } from './jobs.js';

/** The HNSW index: its status, a 2-D map of its paintings, and rebuilding it as a job (JOB_CONFLICT 409 while one runs). */
export const indexRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/index',
    access: 'read',
    tag: 'Index',
    summary: 'The serving index and a rebuild in progress',
    responses: { 200: { description: 'The index status', schema: indexStatus } },
    handle: ({ services }) => services.index.status(),
  }),
  defineRoute({
    method: 'get',
    path: '/api/index/map',
    access: 'read',
    tag: 'Index',
    summary: "The serving index's paintings in 2-D (UMAP)",
    description: 'A seeded sample of at most `limit` (1–2000, default 1000) paintings, laid out once per index build on a worker thread.',
    query: mapQuery,
    responses: { 200: { description: 'The map', schema: apiMap.embeddingMap } },
    errors: ['INDEX_NOT_READY'],
    handle: ({ query, services }) => services.index.embeddingMap(compact(query)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/index/rebuild',
    access: 'admin',
    tag: 'Index',
    summary: 'Rebuild the index as a job',
    description: 'Embeds the corpus with the model (default: the newest complete one) while the current index keeps answering; only a complete, verified build is swapped in.',
    body: { json: modelVersionBody },
    responses: startedJob,
    errors: ['JOB_CONFLICT', 'MODEL_NOT_FOUND'],
    handle: async ({ req, res, services }) => sendJob(res, await services.jobs.startIndex(compact(parse(modelVersionBody, jsonBody(req))))),
  }),
];
