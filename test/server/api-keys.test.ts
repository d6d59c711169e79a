/** Every REST mutation needs an API key; the check itself. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPainterError } from '../../src/errors.js';
import { createApiKeyCheck, presentedKey } from '../../server/http/api-key.js';
import { form, IMAGE, jsonPost, KEY, OTHER_KEY, startTestServer, type FakeServices, type TestServer } from './helpers.js';

type Mutation = { name: string; request: (headers: Record<string, string>) => RequestInit; path: string; ok: number; service: (s: FakeServices) => { mock: { calls: unknown[] } } };

const mutations: Mutation[] = [
  { name: 'POST /api/paintings', path: '/api/paintings', ok: 201, request: (headers) => ({ method: 'POST', headers, body: form({ image: IMAGE }, { artist: 'A' }) }), service: (s) => s.catalog.addPainting },
  { name: 'DELETE /api/paintings/:id', path: '/api/paintings/7', ok: 200, request: (headers) => ({ method: 'DELETE', headers }), service: (s) => s.catalog.removePainting },
  { name: 'POST /api/index/rebuild', path: '/api/index/rebuild', ok: 202, request: (headers) => jsonPost({}, headers), service: (s) => s.jobs.startIndex },
  { name: 'POST /api/jobs/train', path: '/api/jobs/train', ok: 202, request: (headers) => jsonPost({ epochs: 2 }, headers), service: (s) => s.jobs.startTraining },
  { name: 'POST /api/jobs/evaluate', path: '/api/jobs/evaluate', ok: 202, request: (headers) => jsonPost({}, headers), service: (s) => s.jobs.startEvaluation },
];

describe('REST mutations with keys configured', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());
  beforeEach(() => vi.resetAllMocks());

  describe.each(mutations)('$name', (m) => {
    it('refuses a request without a key: 401 API_KEY_REQUIRED', async () => {
      const r = await t.call(m.path, m.request({}));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('API_KEY_REQUIRED');
      expect(m.service(t.services).mock.calls).toHaveLength(0);
    });

    it('refuses a wrong key: 403 API_KEY_INVALID, without echoing it', async () => {
      const wrong: Record<string, string>[] = [{ 'x-api-key': 'wrong-key' }, { authorization: 'Bearer wrong-key' }, { 'x-api-key': KEY.slice(0, -1) }];
      for (const headers of wrong) {
        const r = await t.call(m.path, m.request(headers));
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('API_KEY_INVALID');
        expect(JSON.stringify(r.body)).not.toContain('wrong-key');
      }
      expect(m.service(t.services).mock.calls).toHaveLength(0);
    });

    it('accepts a configured key from x-api-key or Authorization: Bearer', async () => {
      expect((await t.call(m.path, m.request({ 'x-api-key': KEY }))).status).toBe(m.ok);
      expect((await t.call(m.path, m.request({ authorization: `Bearer ${OTHER_KEY}` }))).status).toBe(m.ok);
      expect(m.service(t.services).mock.calls).toHaveLength(2);
    });
  });

  it('needs no key for reads and queries', async () => {
    expect((await t.call('/api/jobs')).status).toBe(200);
    expect((await t.call('/api/artists/nearest', jsonPost({ paintingId: 1 }))).status).toBe(200);
  });
});

describe('REST mutations with no keys configured', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ apiKeys: [] });
  });
  afterAll(() => t.close());

  it.each(mutations)('refuses $name even with a key, saying PAINTER_API_KEYS is unset', async (m) => {
    const r = await t.call(m.path, m.request({ 'x-api-key': KEY }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('API_KEY_REQUIRED');
    expect(r.body.error.message).toContain('PAINTER_API_KEYS');
    expect(m.service(t.services).mock.calls).toHaveLength(0);
  });
});

describe('the key check', () => {
  const codeOf = (f: () => void) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return isPainterError(e) ? e.code : 'other';
    }
  };

  it('reads x-api-key first, then a Bearer token', () => {
    expect(presentedKey({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedKey({ authorization: 'bearer k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic a2V5' })).toBeUndefined();
    expect(presentedKey({ authorization: 'Bearer two words' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });

  it('accepts any configured key and nothing else', () => {
    const check = createApiKeyCheck(['alpha', 'beta-longer-key']);
    expect(codeOf(() => check.verify({ 'x-api-key': 'alpha' }))).toBe('ok');
    expect(codeOf(() => check.verify({ 'x-api-key': 'beta-longer-key' }))).toBe('ok');
    expect(codeOf(() => check.verify({ 'x-api-key': 'alph' }))).toBe('API_KEY_INVALID');
    expect(codeOf(() => check.verify({ 'x-api-key': 'alphabeta-longer-key' }))).toBe('API_KEY_INVALID');
    expect(codeOf(() => check.verify({}))).toBe('API_KEY_REQUIRED');
    expect(codeOf(() => createApiKeyCheck([]).verify({ 'x-api-key': 'alpha' }))).toBe('API_KEY_REQUIRED');
  });
});
