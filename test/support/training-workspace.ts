/**
 * A scratch workspace for tests that import, train and evaluate: a temporary data directory (models
 * and caches inside it), an embedded in-memory database with its repositories, and the wasm
 * backend; made before the file's tests and removed after them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';

export interface TrainingWorkspace {
  dir: string;
  cfg: Config;
  db: Database;
  repos: Repositories;
}

/** Registers the workspace's set-up and removal; call the result inside a test. */
export function useTrainingWorkspace(prefix: string): () => TrainingWorkspace {
  let workspace: TrainingWorkspace | undefined;
  let dir: string | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const cfg = loadConfig({}, { dataDir: join(dir, 'data'), modelsDir: join(dir, 'data', 'models'), embeddedDbDir: 'memory://', cacheDir: join(dir, 'cache') });
    db = await openDatabase(cfg);
    workspace = { dir, cfg, db, repos: createRepositories(db) };
    await initBackend('wasm');
  });
  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!workspace) throw new Error('the training workspace is made in beforeAll: use it inside a test');
    return workspace;
  };
}
