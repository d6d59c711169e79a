/**
 * GraphQL mutations and their API key, error codes, invalid requests, the depth and cost limits,
 * CSRF prevention and the introspection switch.
 */
import { buildSchema, getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { typeDefs } from '../../server/graphql/schema.js';
import { job, KEY, OTHER_KEY, startTestServer, type FakeServices, type TestServer } from './helpers.js';

const READ_KEY = 'read-key-graphql';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

const mutations: { name: string; query: string; service: (s: FakeServices) => { mock: { calls: unknown[][] } }; args: unknown[]; data: unknown }[] = [
  { name: 'rebuildIndex', query: 'mutation { rebuildIndex(modelVersion: 2) { id kind } }', service: (s) => s.jobs.startIndex, args: [{ modelVersion: 2 }], data: { id: job.id, kind: 'index' } },
  {
    name: 'startTraining',
    query: 'mutation { startTraining(input: { preset: "small", epochs: 4, mining: "batch-all", rebuildIndex: false }) { id kind } }',
    service: (s) => s.jobs.startTraining,
    args: [{ preset: 'small', epochs: 4, mining: 'batch-all', rebuildIndex: false }],
    data: { id: 'job-2', kind: 'train' },
  },
  { name: 'startEvaluation', query: 'mutation { startEvaluation { id kind } }', service: (s) => s.jobs.startEvaluation, args: [{}], data: { id: 'job-3', kind: 'evaluate' } },
  { name: 'removePainting', query: 'mutation { removePainting(id: "7") }', service: (s) => s.catalog.removePainting, args: [7], data: true },
];

it('covers every mutation of the schema', () => {
  const fields = Object.keys(buildSchema(typeDefs).getMutationType()!.getFields());
  expect(mutations.map((m) => m.name).sort()).toEqual(fields.sort());
});

describe.each(mutations)('mutation $name', (m) => {
  it('refuses without a key: API_KEY_REQUIRED', async () => {
    const r = await t.gql(m.query);
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'API_KEY_REQUIRED', status: 401 });
    expect(r.body.data).toBeNull();
    expect(m.service(t.services).mock.calls).toHaveLength(0);
  });

  it('refuses a wrong key: API_KEY_INVALID', async () => {
    const r = await t.gql(m.query, undefined, { 'x-api-key': 'nope' });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'API_KEY_INVALID', status: 401 });
    expect(m.service(t.services).mock.calls).toHaveLength(0);
  });

  it('refuses a read key: API_KEY_FORBIDDEN', async () => {
    const withReaders = await startTestServer({ readKeys: [READ_KEY] });
    try {
      const r = await withReaders.gql(m.query, undefined, { 'x-api-key': READ_KEY });
      expect(r.body.errors[0].extensions).toMatchObject({ code: 'API_KEY_FORBIDDEN', status: 403 });
      expect(m.service(withReaders.services).mock.calls).toHaveLength(0);
      // Queries are what a read key is for.
      expect((await withReaders.gql('{ models { version } }', undefined, { 'x-api-key': READ_KEY })).body.errors).toBeUndefined();
      expect((await withReaders.gql('{ models { version } }')).body.errors[0].extensions).toMatchObject({ code: 'API_KEY_REQUIRED', status: 401 });
    } finally {
      await withReaders.close();
    }
  });

  it('runs with a key from either header', async () => {
    const r = await t.gql(m.query, undefined, { 'x-api-key': KEY });
    expect(r.body.errors).toBeUndefined();
    expect(Object.values(r.body.data)[0]).toEqual(m.data);
    expect(m.service(t.services).mock.calls[0]).toEqual(m.args);
    const bearer = await t.gql(m.query, undefined, { authorization: `Bearer ${OTHER_KEY}` });
    expect(bearer.body.errors).toBeUndefined();
  });
});

describe('mutations', () => {
  it('validate their input after the key', async () => {
    const r = await t.gql('mutation { startTraining(input: { preset: "huge" }) { id } }', undefined, { 'x-api-key': KEY });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'input.preset' } });
    expect(t.services.jobs.startTraining).not.toHaveBeenCalled();
  });

  it('report JOB_CONFLICT with its code', async () => {
    t.services.jobs.startIndex.mockRejectedValueOnce(new PainterError('JOB_CONFLICT'));
    const r = await t.gql('mutation { rebuildIndex { id } }', undefined, { 'x-api-key': KEY });
    expect(r.body.errors[0]).toMatchObject({ message: 'A job of this kind is already running', extensions: { code: 'JOB_CONFLICT', status: 409 }, path: ['rebuildIndex'] });
  });

  it('are all refused when no keys are configured', async () => {
    const closed = await startTestServer({ adminKeys: [] });
    try {
      const r = await closed.gql('mutation { rebuildIndex { id } }', undefined, { 'x-api-key': KEY });
      expect(r.body.errors[0].extensions.code).toBe('API_KEY_REQUIRED');
      expect(r.body.errors[0].message).toContain('PAINTER_API_KEYS');
      expect(closed.services.jobs.startIndex).not.toHaveBeenCalled();
    } finally {
      await closed.close();
    }
  });
});

describe('errors', () => {
  it('masks an unexpected error as INTERNAL and logs it', async () => {
    t.services.index.status.mockRejectedValueOnce(new Error('socket hang up at 10.0.0.5'));
    const r = await t.gql('{ indexStatus { serving { id } } }');
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([{ message: 'Internal error', locations: [{ line: 1, column: 3 }], path: ['indexStatus'], extensions: { code: 'INTERNAL', status: 500 } }]);
    expect(JSON.stringify(r.body)).not.toContain('10.0.0.5');
    expect(t.log.warn.mock.calls[0][0]).toContain('socket hang up');
  });

  it('answers a syntax error with 400', async () => {
    const r = await t.gql('{ nearestArtists(');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_INVALID', status: 400, reason: 'GRAPHQL_PARSE_FAILED' });
  });

  it('answers an invalid query with 400', async () => {
    const unknownField = await t.gql('{ paintings { items { colour } } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_INVALID', reason: 'GRAPHQL_VALIDATION_FAILED' });
    // ImageRef is @oneOf: both ids at once is invalid GraphQL.
    const both = await t.gql('{ nearestArtists(image: { paintingId: 1, uploadId: "u" }) { artists { artist } } }');
    expect(both.status).toBe(400);
    const badVariable = await t.gql('query($k: Int) { nearestArtists(image: { paintingId: 1 }, k: $k) { artists { artist } } }', { k: 'three' });
    expect(badVariable.status).toBe(400);
    expect(badVariable.body.errors[0].extensions.code).toBe('GRAPHQL_INVALID');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('answers malformed JSON on /graphql with 400 in the GraphQL error shape', async () => {
    const r = await t.call('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('limits', () => {
  /** artist → paintings → items → artistDetails → … : two levels per turn. */
  const nested = (turns: number) => {
    let inner = 'id';
    for (let i = 0; i < turns; i++) inner = `paintings { items { artistDetails { ${inner} } } }`;
    return `{ artist(id: 1) { ${inner} } }`;
  };

  it('allows a query 10 levels deep and refuses 11 with 400 before resolving anything', async () => {
    // artist(1) + 3 per turn + id(1): 3 turns → 11 levels, 2 turns + padding → 10.
    const ten = await t.gql('{ artist(id: 1) { paintings { items { artistDetails { paintings { items { artistDetails { paintings { items { id } } } } } } } } } }');
    expect(ten.body.errors).toBeUndefined();
    vi.resetAllMocks();
    const r = await t.gql(nested(3));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_INVALID', reason: 'GRAPHQL_VALIDATION_FAILED' });
    expect(r.body.errors[0].message).toMatch(/11 levels deep; at most 10/);
    expect(t.services.catalog.artist).not.toHaveBeenCalled();
  });

  it('counts depth through fragments', async () => {
    const r = await t.gql(`{ artist(id: 1) { ...A } }
      fragment A on Artist { paintings { items { artistDetails { ...B } } } }
      fragment B on Artist { paintings { items { artistDetails { paintings { items { artistDetails { id } } } } } } }`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/11 levels deep/);
  });

  it('refuses too many aliased selections of an expensive field', async () => {
    const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: nearestArtists(image: { paintingId: ${i + 1} }) { query { tookMs } }`).join('\n');
    const r = await t.gql(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/costs \d+; at most 200/);
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
    const few = await t.gql(`{ ${aliases.split('\n').slice(0, 3).join('\n')} }`);
    expect(few.body.errors).toBeUndefined();
  });

  it('refuses too many cheap fields, counting fragment spreads each time', async () => {
    const r = await t.gql(`{ ${Array.from({ length: 30 }, (_, i) => `j${i}: jobs { ...F }`).join(' ')} }
      fragment F on Job { id kind status phase createdAt startedAt finishedAt }`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toMatch(/costs 240/);
  });
});

describe('CSRF prevention', () => {
  it('refuses a simple cross-site style request', async () => {
    const r = await t.call('/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ jobs { id } }' }) });
    expect(r.status).toBe(400);
    expect(t.services.jobs.list).not.toHaveBeenCalled();
  });

  it('answers a GET query only with a preflight-forcing header', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ jobs { id } }')}`;
    expect((await t.call(url)).status).toBe(400);
    const ok = await t.call(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.jobs).toEqual([{ id: 'job-1' }]);
  });
});

describe('introspection', () => {
  it('is on when configured: the schema and the landing page are served', async () => {
    const r = await t.gql(getIntrospectionQuery());
    expect(r.status).toBe(200);
    expect(r.body.data.__schema.queryType.name).toBe('Query');
    const page = await fetch(`${t.base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const typo = await t.gql('{ jobs { idd } }');
    expect(typo.body.errors[0].message).toMatch(/Did you mean "id"/);
  });

  it('is off when configured: no schema, no landing page, no field suggestions', async () => {
    const off = await startTestServer({ graphqlIntrospection: false });
    try {
      const r = await off.gql(getIntrospectionQuery());
      expect(r.status).toBe(400);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors[0].message).toMatch(/introspection/i);
      const page = await fetch(`${off.base}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      const typo = await off.gql('{ jobs { idd } }');
      expect(typo.status).toBe(400);
      expect(JSON.stringify(typo.body.errors)).not.toMatch(/Did you mean/);
      expect((await off.gql('{ jobs { id } }')).body.data.jobs).toHaveLength(1);
    } finally {
      await off.close();
    }
  });
});
