/**
 * Roles on every route of the table: admin routes need an admin key (401 without a valid key,
 * 403 with a read key); read routes need a read or admin key once read keys are configured, and
 * nothing otherwise; public routes never. Walks server/routes/all.ts, so a new route is covered
 * (or fails here for want of a sample request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPainterError } from '../../src/errors.js';
import type { AnyRoute } from '../../server/api/route.js';
import { successStatus } from '../../server/api/route.js';
import { createAccessControl, presentedKey } from '../../server/http/access.js';
import { ROUTES } from '../../server/routes/all.js';
import { KEY, OTHER_KEY, startTestServer, type TestServer } from './helpers.js';
import { SAMPLES, sampleKey } from './route-samples.js';

const READ_KEY = 'read-key-4567';
const WRONG: Record<string, string>[] = [{ 'x-api-key': 'wrong-key' }, { authorization: 'Bearer wrong-key' }, { 'x-api-key': KEY.slice(0, -1) }];

const byAccess = (access: AnyRoute['access']) => ROUTES.filter((r) => r.access === access).map((r) => ({ name: sampleKey(r), route: r, sample: SAMPLES[sampleKey(r)] }));

/** Status and error code (REST's `error.code`, or GraphQL's `errors[0].extensions.code` on /graphql). */
async function call(t: TestServer, r: { sample: (typeof SAMPLES)[string] }, headers: Record<string, string>) {
  const res = await t.call(r.sample.url, r.sample.request(headers));
  return { status: res.status, code: res.body?.error?.code ?? res.body?.errors?.[0]?.extensions?.code, body: res.body };
}

it('has a sample request for every route of the table', () => {
  expect(ROUTES.map(sampleKey).filter((k) => !SAMPLES[k])).toEqual([]);
  expect(byAccess('admin').map((r) => r.name).sort()).toEqual(
    ['delete /api/paintings/:id', 'post /api/backups', 'post /api/index/rebuild', 'post /api/jobs/evaluate', 'post /api/jobs/train', 'post /api/paintings'].sort(),
  );
});

describe('with admin and read keys configured', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ adminKeys: [KEY, OTHER_KEY], readKeys: [READ_KEY] });
  });
  afterAll(() => t.close());

  describe.each(byAccess('admin'))('admin route $name', (r) => {
    it('refuses no key (401 API_KEY_REQUIRED), a wrong key (401 API_KEY_INVALID, not echoed) and a read key (403 API_KEY_FORBIDDEN)', async () => {
      expect(await call(t, r, {})).toMatchObject({ status: 401, code: 'API_KEY_REQUIRED' });
      for (const headers of WRONG) {
        const wrong = await call(t, r, headers);
        expect(wrong).toMatchObject({ status: 401, code: 'API_KEY_INVALID' });
        expect(JSON.stringify(wrong.body)).not.toContain('wrong-key');
      }
      expect(await call(t, r, { 'x-api-key': READ_KEY })).toMatchObject({ status: 403, code: 'API_KEY_FORBIDDEN' });
    });

    it('accepts an admin key from x-api-key or Authorization: Bearer', async () => {
      expect((await call(t, r, { 'x-api-key': KEY })).status).toBe(successStatus(r.route));
      expect((await call(t, r, { authorization: `Bearer ${OTHER_KEY}` })).status).toBe(successStatus(r.route));
    });
  });

  describe.each(byAccess('read'))('read route $name', (r) => {
    it('needs a read or admin key', async () => {
      expect(await call(t, r, {})).toMatchObject({ status: 401, code: 'API_KEY_REQUIRED' });
      expect(await call(t, r, WRONG[0])).toMatchObject({ status: 401, code: 'API_KEY_INVALID' });
      expect((await call(t, r, { 'x-api-key': READ_KEY })).status).toBe(successStatus(r.route));
      expect((await call(t, r, { authorization: `Bearer ${KEY}` })).status).toBe(successStatus(r.route));
    });
  });

  it.each(byAccess('metrics'))('$name needs a key of either role', async (r) => {
    expect((await call(t, r, {})).status).toBe(401);
    expect((await call(t, r, { 'x-api-key': READ_KEY })).status).toBe(200);
    expect((await call(t, r, { 'x-api-key': KEY })).status).toBe(200);
  });

  it.each(byAccess('public'))('$name needs no key', async (r) => {
    expect((await call(t, r, {})).status).toBe(successStatus(r.route));
  });
});

describe('with admin keys only', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ adminKeys: [KEY] });
  });
  afterAll(() => t.close());

  it.each(byAccess('read'))('$name needs no key', async (r) => {
    expect((await call(t, r, {})).status).toBe(successStatus(r.route));
  });

  it.each(byAccess('admin'))('$name still needs the admin key', async (r) => {
    expect((await call(t, r, {})).status).toBe(401);
    expect((await call(t, r, { 'x-api-key': KEY })).status).toBe(successStatus(r.route));
  });
});

describe('with no keys configured', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ adminKeys: [] });
  });
  afterAll(() => t.close());

  it.each(byAccess('admin'))('refuses $name even with a key, naming the variables', async (r) => {
    const res = await call(t, r, { 'x-api-key': KEY });
    expect(res).toMatchObject({ status: 401, code: 'API_KEY_REQUIRED' });
    expect(res.body.error.message).toContain('PAINTER_ADMIN_KEYS');
  });

  it.each(byAccess('metrics'))('$name is open', async (r) => {
    expect((await call(t, r, {})).status).toBe(200);
  });
});

describe('the key check', () => {
  const codeOf = (f: () => unknown) => {
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

  it('tells the roles apart and accepts nothing else', () => {
    const access = createAccessControl({ adminKeys: ['alpha', 'beta-longer-key'], readKeys: ['reader', 'alpha'] });
    expect(codeOf(() => access.check('admin', { 'x-api-key': 'alpha' }))).toBe('ok');
    expect(codeOf(() => access.check('admin', { 'x-api-key': 'beta-longer-key' }))).toBe('ok');
    expect(codeOf(() => access.check('admin', { 'x-api-key': 'reader' }))).toBe('API_KEY_FORBIDDEN');
    expect(codeOf(() => access.check('read', { 'x-api-key': 'reader' }))).toBe('ok');
    expect(codeOf(() => access.check('admin', { 'x-api-key': 'alph' }))).toBe('API_KEY_INVALID');
    expect(codeOf(() => access.check('admin', { 'x-api-key': 'alphabeta-longer-key' }))).toBe('API_KEY_INVALID');
    expect(codeOf(() => access.check('admin', {}))).toBe('API_KEY_REQUIRED');
    expect(access.identify({ 'x-api-key': 'alpha' }).role).toBe('admin');
    expect(access.identify({ 'x-api-key': 'nope' })).toEqual({ role: null, keyId: null });
    expect(codeOf(() => createAccessControl({ adminKeys: [], readKeys: [] }).check('admin', { 'x-api-key': 'alpha' }))).toBe('API_KEY_REQUIRED');
  });
});
