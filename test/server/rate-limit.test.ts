import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimit } from '../../server/http/rate-limit.js';
import { KEY, OTHER_KEY, startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('rate limit', () => {
  it('lets a burst through, then answers 429 with Retry-After; health probes and other clients are not affected', async () => {
    // 60 per minute: a bucket of 10 requests, one more each second.
    server = await startTestServer({ rateLimitPerMinute: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await server.call('/api/models')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    const limited = await server.call('/api/models');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await server.call('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ models { version } }"}' })).status).toBe(429);
    expect((await server.call('/healthz')).status).toBe(200);
    // A client presenting an API key has its own bucket.
    expect((await server.call('/api/models', { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await server.call('/api/models', { headers: { authorization: `Bearer ${OTHER_KEY}` } })).status).toBe(200);
  });

  it('counts requests with made-up keys against the client address: rotating random keys buy no fresh bucket', async () => {
    server = await startTestServer({ rateLimitPerMinute: 60 });
    const statuses = async (n: number, headers: (i: number) => Record<string, string>) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await server!.call('/api/models', { headers: headers(i) })).status);
      return out;
    };
    const plain = await statuses(30, () => ({}));
    expect(plain.filter((s) => s === 200)).toHaveLength(10);
    expect(plain.filter((s) => s === 429)).toHaveLength(20);
    // The same address, a new invented key on every request (and in both headers): all limited.
    const random = await statuses(30, (i): Record<string, string> => (i % 2 ? { 'x-api-key': `made-up-${i}-${Math.random()}` } : { authorization: `Bearer invented-${i}-${Math.random()}` }));
    expect(random).toEqual(Array(30).fill(429));
    // A key that verifies has a bucket of its own.
    expect(await statuses(10, () => ({ 'x-api-key': KEY }))).toEqual(Array(10).fill(200));
    expect((await server.call('/api/models', { headers: { 'x-api-key': KEY } })).status).toBe(429);
  });

  it('reads the client address from X-Forwarded-For only when trust proxy says so', async () => {
    server = await startTestServer({ rateLimitPerMinute: 60 });
    // Not trusted: a spoofed header per request changes nothing.
    const spoofed: number[] = [];
    for (let i = 0; i < 12; i++) spoofed.push((await server.call('/api/models', { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
    expect(spoofed.filter((s) => s === 429)).toHaveLength(2);
    await server.close();

    server = await startTestServer({ rateLimitPerMinute: 60, trustProxy: ['loopback'] });
    for (let i = 0; i < 10; i++) expect((await server.call('/api/models', { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(200);
    expect((await server.call('/api/models', { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(429);
    // Behind the trusted proxy, another client is another bucket.
    expect((await server.call('/api/models', { headers: { 'x-forwarded-for': '203.0.113.2' } })).status).toBe(200);
  });

  it('refills at the configured rate', () => {
    let t = 0;
    const limit = createRateLimit(60, () => null, () => t);
    const req = { headers: {}, ip: '10.0.0.1' } as never;
    const run = () => {
      let err: unknown = null;
      const headers: Record<string, string> = {};
      limit(req, { set: (k: string, v: string) => (headers[k] = v) } as never, (e?: unknown) => (err = e ?? null));
      return { err, headers };
    };
    for (let i = 0; i < 10; i++) expect(run().err).toBeNull();
    const denied = run();
    expect(denied.err).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(denied.headers['Retry-After']).toBe('1');
    t += 1000;
    expect(run().err).toBeNull();
    expect(run().err).not.toBeNull();
  });

  it('is off at 0', async () => {
    server = await startTestServer({ rateLimitPerMinute: 0 });
    for (let i = 0; i < 30; i++) expect((await server.call('/api/models')).status).toBe(200);
  });
});
