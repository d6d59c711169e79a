import { apiMap } from '../../src/shapes/embedding-map.js';
import { indexBuildList } from '../../src/shapes/index-builds.js';
import { indexStatus } from '../../src/shapes/jobs.js';
import { defineRoute } from '../api/route.js';
import { jsonBody } from '../http/body.js';
import { activateBody, buildIdParams, compact, mapQuery, modelVersionBody, parse, retentionBody } from '../http/params.js';
import { sendJob, startedJob } from './jobs.js';

const buildList = { 200: { description: 'Every build, with the alias and the retention setting', schema: indexBuildList } };

/**
 * The index: its status, a 2-D map of its paintings, rebuilding it as a job (JOB_CONFLICT 409
 * while one runs), and its builds: listing them, activating (pinning) one, unpinning, retention.
 */
export const indexRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/index',
    access: 'read',
    tag: 'Index',
    summary: 'The serving index, the build the alias names, and a rebuild in progress',
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
    description:
      'Embeds the corpus with the model (default: the newest complete one) while the current index keeps answering; only a complete, verified build is activated, and every replica then serves it (unless a build is pinned).',
    body: { json: modelVersionBody },
    responses: startedJob,
    errors: ['JOB_CONFLICT', 'MODEL_NOT_FOUND'],
    handle: async ({ req, res, services }) => sendJob(res, await services.jobs.startIndex(compact(parse(modelVersionBody, jsonBody(req))))),
  }),
  defineRoute({
    method: 'get',
    path: '/api/index/builds',
    access: 'read',
    tag: 'Index',
    summary: 'Every index build, newest first, with the alias and the retention setting',
    responses: buildList,
    handle: ({ services }) => services.index.builds(),
  }),
  defineRoute({
    method: 'post',
    path: '/api/index/builds/:id/activate',
    access: 'admin',
    tag: 'Index',
    summary: 'Make a complete build the one every replica serves (a rollback without a rebuild)',
    description: 'Moves the alias in one transaction; replicas follow at once (LISTEN/NOTIFY) or within the poll interval. `pin` (default true) keeps finished rebuilds from replacing it.',
    params: buildIdParams,
    body: { json: activateBody },
    responses: buildList,
    errors: ['INDEX_BUILD_NOT_FOUND', 'INDEX_BUILD_NOT_ACTIVATABLE'],
    handle: ({ params, req, services }) => services.index.activate(params.id, compact(parse(activateBody, jsonBody(req)))),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/index/pin',
    access: 'admin',
    tag: 'Index',
    summary: 'Unpin: the next finished rebuild takes over again',
    responses: buildList,
    handle: ({ services }) => services.index.unpin(),
  }),
  defineRoute({
    method: 'put',
    path: '/api/index/retention',
    access: 'admin',
    tag: 'Index',
    summary: 'How many complete builds to keep (1–1000); older ones are deleted now, never the active one',
    body: { json: retentionBody, required: true },
    responses: buildList,
    handle: ({ req, services }) => services.index.setRetention(parse(retentionBody, jsonBody(req)).keep),
  }),
];
