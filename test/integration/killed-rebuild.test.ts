/**
 * A `painter index` process killed (SIGKILL) in the middle of a rebuild: once its lease runs out
 * the next start marks the build failed, removes its staging directory and serves the previous
 * index, which still answers.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { EncoderProvider } from '../../src/services/encoder-provider.js';
import { importDataset } from '../../src/services/import-service.js';
import { IndexService } from '../../src/services/index-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { VectorStores } from '../../src/vector-store/vector-stores.js';
import { trainModel } from '../../training/train-service.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let cfg: Config;
const silent = { info: () => undefined, warn: () => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'painter-killed-'));
  // The child reads the same configuration from its environment.
  env = { ...process.env, PAINTER_DATA_DIR: join(dir, 'data'), PAINTER_BACKEND: 'wasm', DATABASE_URL: '', PAINTER_VECTOR_STORE: 'hnswlib', PAINTER_JOB_LEASE_SECONDS: '1' };
  cfg = loadConfig(env);
  await initBackend('wasm');
  const corpus = await generatePaintingDataset(join(dir, 'corpus'), { artists: 40, perArtist: 10, size: 40, layout: 'labels-csv', seed: 2 });
  const db = await openDatabase(cfg);
  const repos = createRepositories(db);
  try {
    await importDataset(repos.datasets, corpus.root);
    await trainModel(cfg, repos, { overrides: { preset: 'small', imageSize: 32, epochs: 1, stepsPerEpoch: 2, batchSize: 24, seed: 1 }, backend: 'wasm' });
    const encoders = new EncoderProvider(cfg);
    await new IndexService(cfg, repos, new LiveIndex(), encoders, new VectorStores(cfg, db, repos), null, silent).build();
    await encoders.close();
  } finally {
    await db.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a rebuild killed with SIGKILL', () => {
  it('leaves the previous index to serve after a restart', async () => {
    const child = spawn(process.execPath, ['bin/painter.js', 'index'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Killed as soon as the new build is under way (its record exists, embedding has begun).
        if (/embedding: \d+\/\d+/.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`painter index ended before it could be killed:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    // What a kill during the insert phase leaves: a staging directory of a process that is gone.
    mkdirSync(join(cfg.dataDir, 'indexes', '2.build-999999-0badc0de', 'index'), { recursive: true });

    // The killed builder's lease runs out; until then the build counts as alive.
    await new Promise((r) => setTimeout(r, 1500));
    const db = await openDatabase(cfg);
    const repos = createRepositories(db);
    const encoders = new EncoderProvider(cfg);
    try {
      const live = new LiveIndex();
      const serving = await new IndexService(cfg, repos, live, encoders, new VectorStores(cfg, db, repos), null, silent).start();
      expect(serving?.buildId).toBe(1);
      expect(serving?.index.size).toBe(400);
      expect((await repos.alias.get()).buildId).toBe(1);
      const builds = await repos.builds.list();
      expect(builds.map((b) => [b.id, b.status])).toEqual([[2, 'failed'], [1, 'complete']]);
      expect(readdirSync(join(cfg.dataDir, 'indexes')).filter((n) => n.includes('.build-'))).toEqual([]);
      const hits = await serving!.index.search((await serving!.index.get(5))!.vector, 3);
      expect(hits[0]).toMatchObject({ label: 5, distance: 0 });
    } finally {
      await encoders.close();
      await db.close();
    }
  });
});
