/**
 * Damaged files on disk: an index file or a model's weights that no longer match the checksums
 * recorded in the database are refused at load with a message naming the file, and the server
 * falls back to the newest build that is still good.
 */
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import type { IndexBuild, ModelVersion } from '../../src/db/types.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { WEIGHTS_BIN } from '../../src/encoders/model-files.js';
import { EncoderProvider } from '../../src/services/encoder-provider.js';
import { importDataset } from '../../src/services/import-service.js';
import { IndexService } from '../../src/services/index-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { VectorStores } from '../../src/vector-store/vector-stores.js';
import { trainModel } from '../../training/train-service.js';

let dir: string;
let cfg: Config;
let db: Database;
let repos: Repositories;
const builds: IndexBuild[] = [];
const models: ModelVersion[] = [];
const warnings: string[] = [];
const log = { info: () => undefined, warn: (m: string) => void warnings.push(m) };

async function load() {
  const encoders = new EncoderProvider(cfg);
  try {
    return await new IndexService(cfg, repos, new LiveIndex(), encoders, new VectorStores(cfg, db, repos), null, log).start();
  } finally {
    await encoders.close();
  }
}

/** Damages a file in place and returns how to put it back. */
function damage(path: string): () => void {
  const backup = `${path}.good`;
  copyFileSync(path, backup);
  const bytes = readFileSync(path);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(path, bytes);
  return () => copyFileSync(backup, path);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'painter-corrupt-'));
  cfg = loadConfig({}, { dataDir: join(dir, 'data'), modelsDir: join(dir, 'data', 'models'), cacheDir: join(dir, 'data', 'cache'), embeddedDbDir: 'memory://' });
  await initBackend('wasm');
  db = await openDatabase(cfg);
  repos = createRepositories(db);
  const corpus = await generatePaintingDataset(join(dir, 'corpus'), { artists: 8, perArtist: 5, size: 32, layout: 'labels-csv', seed: 4 });
  await importDataset(repos.datasets, corpus.root);
  const encoders = new EncoderProvider(cfg);
  const service = new IndexService(cfg, repos, new LiveIndex(), encoders, new VectorStores(cfg, db, repos), null, log);
  for (const seed of [1, 2]) {
    const trained = await trainModel(cfg, repos, { overrides: { preset: 'small', imageSize: 32, epochs: 1, stepsPerEpoch: 1, batchSize: 16, seed }, backend: 'wasm' });
    models.push((await repos.models.get(trained.version))!);
    builds.push(await service.build({ modelVersion: trained.version }));
  }
  await encoders.close();
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('damaged files at load', () => {
  it('serves the newest build when everything is intact', async () => {
    expect((await load())?.buildId).toBe(builds[1].id);
  });

  it('refuses a damaged index file and falls back to the previous build', async () => {
    const restore = damage(join(builds[1].dir, 'index.hnsw'));
    warnings.length = 0;
    try {
      expect((await load())?.buildId).toBe(builds[0].id);
      expect(warnings.join('\n')).toMatch(new RegExp(`index ${builds[1].id} skipped: .*index\\.hnsw`));
    } finally {
      restore();
    }
  });

  it("refuses a model whose weights were damaged, and with it the builds that need it", async () => {
    const restore = damage(join(models[1].dir, WEIGHTS_BIN));
    warnings.length = 0;
    try {
      const serving = await load();
      expect(serving?.buildId).toBe(builds[0].id);
      expect(serving?.modelVersion).toBe(models[0].version);
      expect(warnings.join('\n')).toMatch(/damaged \(checksum mismatch\)/);
    } finally {
      restore();
    }
    expect((await load())?.buildId).toBe(builds[1].id);
  });

  it('fails a rebuild whose index directory cannot be written with STORAGE_FAILED, keeping the good builds', async () => {
    // A file where the index directory should be: every write below it fails, even as root.
    const indexes = join(cfg.dataDir, 'indexes');
    const aside = `${indexes}.aside`;
    renameSync(indexes, aside);
    writeFileSync(indexes, 'not a directory');
    const encoders = new EncoderProvider(cfg);
    try {
      await expect(new IndexService(cfg, repos, new LiveIndex(), encoders, new VectorStores(cfg, db, repos), null, log).build()).rejects.toMatchObject({ code: 'STORAGE_FAILED', status: 507 });
    } finally {
      await encoders.close();
      rmSync(indexes);
      renameSync(aside, indexes);
    }
    expect((await load())?.buildId).toBe(builds[1].id);
  });
});
