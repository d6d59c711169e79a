/**
 * PostgreSQL vanishing under a running server (a proxy between them is cut): queries that need it
 * fail fast with 503 DATABASE_UNAVAILABLE, /readyz turns not-ready, no request hangs, and all of it
 * recovers by itself when the database is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

describe.runIf(TEST_DATABASE_URL !== undefined)('database outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'painter-outage-'));
  const schema = freshSchemaName();
  let proxy: TcpProxy;
  let server: RunningServer;

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(urlWithSchema(TEST_DATABASE_URL!, schema));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const cfg = loadConfig({}, { dataDir: join(dir, 'data'), databaseUrl: url.toString(), port: 0, rateLimitPerMinute: 0 });
    server = await startServer(cfg, { demo: false, host: '127.0.0.1', log: { info: () => undefined, warn: () => undefined } });
  });
  afterAll(async () => {
    await proxy?.up().catch(() => undefined);
    await server?.close();
    await proxy?.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const timed = async (path: string) => {
    const t = performance.now();
    const res = await fetch(server.url + path, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: (await res.json()) as any, ms: performance.now() - t };
  };

  it('answers 503 quickly while the database is gone and recovers when it returns', async () => {
    expect((await timed('/api/artists')).status).toBe(200);
    expect((await timed('/readyz')).body.database).toBe(true);

    await proxy.down();
    for (const path of ['/api/artists', '/api/models', '/api/paintings']) {
      const r = await timed(path);
      expect({ path, status: r.status, code: r.body.error?.code }).toEqual({ path, status: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(r.ms).toBeLessThan(5_000);
    }
    const ready = await timed('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.database).toBe(false);
    expect((await timed('/healthz')).status).toBe(200);

    await proxy.up();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await timed('/api/artists')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await timed('/readyz')).body.database).toBe(true);
  });
});
