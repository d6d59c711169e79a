/** CORS: same origin only by default; configured origins get the headers (and preflights pass). */
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startTestServer, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
});

describe('CORS', () => {
  it('allows no other origin by default', async () => {
    t = await startTestServer();
    const r = await t.call('/api/models', { headers: { origin: 'https://elsewhere.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const p = await t.call('/api/index/rebuild', preflight('https://elsewhere.example'));
    expect(p.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers configured origins, with the key headers allowed and the request id exposed', async () => {
    t = await startTestServer({ corsOrigins: ['https://app.example'] });
    const r = await t.call('/api/models', { headers: { origin: 'https://app.example' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(r.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const p = await t.call('/api/index/rebuild', preflight('https://app.example'));
    expect(p.status).toBe(204);
    expect(p.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(p.headers.get('access-control-allow-headers')).toContain('x-api-key');
    // Another origin still gets nothing; and CORS grants no rights the key does not.
    expect((await t.call('/api/models', { headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
    expect((await t.call('/api/index/rebuild', { method: 'POST', headers: { origin: 'https://app.example' } })).status).toBe(401);
    expect((await t.call('/api/index/rebuild', { method: 'POST', headers: { origin: 'https://app.example', 'x-api-key': KEY } })).status).toBe(202);
  });
});
