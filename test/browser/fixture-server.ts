/**
 * The real server on a small generated corpus for the browser tests: 8 "artists" of 6
 * paintings, a small encoder trained for two epochs and evaluated on the test artists, the index
 * built through the API. The embedded database keeps it independent of PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset, type FixtureResult } from '../../src/demo/generate-paintings.js';
import { evaluate } from '../../src/services/evaluation-service.js';
import { importDataset } from '../../src/services/import-service.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { trainModel } from '../../training/train-service.js';

export const API_KEY = 'browser-test-key-0123456789';
const silent = { info: () => undefined, warn: () => undefined };

export interface FixtureServer {
  url: string;
  fixture: FixtureResult;
  /** Absolute path of the i-th corpus painting's file. */
  file(i: number): string;
  close(): Promise<void>;
}

/** Builds web/dist from the current sources, so the tests never see a stale page. */
export function buildWebPage(): void {
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'pipe' });
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const dir = mkdtempSync(join(tmpdir(), 'painter-browser-'));
  const cfg = loadConfig(
    {},
    {
      // Models, caches and the embedded database follow dataDir.
      dataDir: join(dir, 'data'),
      port: 0,
      adminKeys: [API_KEY],
      rateLimitPerMinute: 0,
    },
  );
  let server: RunningServer | undefined;
  try {
    await initBackend('wasm');
    const fixture = await generatePaintingDataset(join(dir, 'corpus'), { artists: 8, perArtist: 6, size: 64, layout: 'labels-csv', seed: 11, styles: 2 });
    const db = await openDatabase(cfg);
    const repos = createRepositories(db);
    try {
      await importDataset(repos.datasets, fixture.root);
      const trained = await trainModel(cfg, repos, {
        overrides: { preset: 'small', imageSize: 32, epochs: 2, stepsPerEpoch: 4, batchSize: 24, lr: 3e-3, seed: 1 },
        backend: 'wasm',
      });
      await evaluate(cfg, repos, { model: trained.version, split: 'test' });
    } finally {
      await db.close();
    }
    server = await startServer(cfg, { demo: false, host: '127.0.0.1', log: silent });
    await rebuildIndex(server.url);
    const url = server.url;
    const running = server;
    return {
      url,
      fixture,
      file: (i) => join(fixture.root, fixture.paintings[i].relPath),
      async close() {
        await running.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function rebuildIndex(base: string): Promise<void> {
  const started = await fetch(`${base}/api/index/rebuild`, { method: 'POST', headers: { 'x-api-key': API_KEY } });
  if (started.status !== 202) throw new Error(`rebuild refused: ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  for (let i = 0; i < 600; i++) {
    const job = (await (await fetch(`${base}/api/jobs/${id}`)).json()) as { status: string; error: unknown };
    if (job.status === 'succeeded') return;
    if (job.status === 'failed') throw new Error(`index build failed: ${JSON.stringify(job.error)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the index build did not finish in a minute');
}
