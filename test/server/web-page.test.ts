/** The web page's static files next to the API: served with a CSP, without shadowing any API route or the JSON 404. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const built = mkdtempSync(join(tmpdir(), 'painter-web-'));
const unbuilt = mkdtempSync(join(tmpdir(), 'painter-web-empty-'));
writeFileSync(join(built, 'index.html'), '<!doctype html><title>Painter similarity</title>');
writeFileSync(join(built, 'app.js'), 'console.log(1)');
writeFileSync(join(built, 'styles.css'), 'body{}');

afterAll(() => {
  rmSync(built, { recursive: true, force: true });
  rmSync(unbuilt, { recursive: true, force: true });
});

describe('a built page', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, built);
  });
  afterAll(() => t.close());

  it('serves index.html at / and its assets, with a same-origin content security policy', async () => {
    const page = await fetch(`${t.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Painter similarity</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${t.base}/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${t.base}/styles.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('leaves the API, GraphQL, health probes and the JSON 404 as they were', async () => {
    expect((await t.call('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.call('/api/index')).status).toBe(200);
    const api404 = await t.call('/api/nothing-here');
    expect(api404).toMatchObject({ status: 404, body: { error: { code: 'ROUTE_NOT_FOUND' } } });
    expect(api404.headers.get('content-security-policy')).toBeNull();
    expect((await t.call('/no-such-page.html')).body.error.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.call('/', { method: 'POST' })).body.error.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.gql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('a checkout without a built page', () => {
  it('says how to build it', async () => {
    const t = await startTestServer({}, unbuilt);
    try {
      const r = await t.call('/');
      expect(r.status).toBe(503);
      expect(r.body).toMatch(/npm run build:web/);
      expect((await t.call('/api/index')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
