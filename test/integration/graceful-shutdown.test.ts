/**
 * `painter serve` on SIGTERM: stops accepting, lets the request in flight finish, closes the
 * database and exits 0; the embedded database opens cleanly afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';

const dir = mkdtempSync(join(tmpdir(), 'painter-sigterm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM', () => {
  it('finishes in-flight requests, closes the database and exits 0', async () => {
    const env = { ...process.env, PAINTER_DATA_DIR: join(dir, 'data'), PORT: '0', DATABASE_URL: '' };
    const child = spawn(process.execPath, ['bin/painter.js', 'serve', '--no-demo'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(log);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`server exited before listening:\n${log}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // A request in flight when the signal arrives: a body still being sent.
    let send!: (chunk: string) => void;
    let end!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (c) => controller.enqueue(new TextEncoder().encode(c));
        end = () => controller.close();
      },
    });
    const inFlight = fetch(`${url}/api/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    send('{"a": 1, ');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    send('"b": 2}');
    end();
    const res = await inFlight;
    // No index is loaded, so the answer is a clean 503, not a reset connection.
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('INDEX_NOT_READY');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    const db = await openDatabase(loadConfig(env));
    await db.close();
  });
});
