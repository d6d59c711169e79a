/**
 * One valid request per entry of the route table, for the tests that walk the table (roles, the
 * OpenAPI document). A route added to the table without a sample here fails those tests.
 */
import { form, IMAGE, jsonPost } from './helpers.js';

export interface Sample {
  /** The concrete path to call. */
  url: string;
  request(headers: Record<string, string>): RequestInit;
}

const get = (url: string): Sample => ({ url, request: (headers) => ({ headers }) });
const post = (url: string, body: unknown): Sample => ({ url, request: (headers) => jsonPost(body, headers) });
const multipart = (url: string, files: Record<string, Buffer>, fields: Record<string, string> = {}): Sample => ({
  url,
  request: (headers) => ({ method: 'POST', headers, body: form(files, fields) }),
});

export const SAMPLES: Record<string, Sample> = {
  'get /healthz': get('/healthz'),
  'get /readyz': get('/readyz'),
  'post /api/artists/nearest': post('/api/artists/nearest', { paintingId: 7 }),
  'get /api/artists': get('/api/artists'),
  'get /api/artists/:id': get('/api/artists/3'),
  'get /api/paintings': get('/api/paintings'),
  'post /api/paintings/similar': post('/api/paintings/similar', { paintingId: 7 }),
  'get /api/paintings/:id': get('/api/paintings/7'),
  'get /api/paintings/:id/image': get('/api/paintings/7/image'),
  'get /api/paintings/:id/thumbnail': get('/api/paintings/7/thumbnail?size=128'),
  'get /api/paintings/:id/nearest-artists': get('/api/paintings/7/nearest-artists'),
  'get /api/paintings/:id/similar': get('/api/paintings/7/similar'),
  'post /api/paintings': multipart('/api/paintings', { image: IMAGE }, { artist: 'A' }),
  'delete /api/paintings/:id': { url: '/api/paintings/7', request: (headers) => ({ method: 'DELETE', headers }) },
  'post /api/verify': post('/api/verify', { a: 7, b: 8 }),
  'post /api/uploads': multipart('/api/uploads', { image: IMAGE }),
  'get /api/models': get('/api/models'),
  'get /api/models/:version': get('/api/models/2'),
  'get /api/models/:version/roc': get('/api/models/2/roc'),
  'get /api/evaluations/roc': get('/api/evaluations/roc'),
  'get /api/index': get('/api/index'),
  'get /api/index/map': get('/api/index/map?limit=10'),
  'post /api/index/rebuild': post('/api/index/rebuild', {}),
  'get /api/jobs': get('/api/jobs'),
  'get /api/jobs/:id': get('/api/jobs/job-1'),
  'post /api/jobs/train': post('/api/jobs/train', { epochs: 2 }),
  'post /api/jobs/evaluate': post('/api/jobs/evaluate', {}),
  'get /metrics': get('/metrics'),
  'post /api/backups': post('/api/backups', {}),
  'get /api/openapi.json': get('/api/openapi.json'),
  'get /api/docs': get('/api/docs'),
  'post /graphql': post('/graphql', { query: '{ models { version } }' }),
  'get /graphql': { url: '/graphql?query=%7Bmodels%7Bversion%7D%7D', request: (headers) => ({ headers: { 'apollo-require-preflight': 'true', ...headers } }) },
};

export const sampleKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
