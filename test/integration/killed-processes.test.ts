/**
 * `painter import` and `painter train` killed with SIGKILL half-way: the import can be run again
 * and ends with exactly one copy of everything; training resumes from its last checkpoint.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { importDataset } from '../../src/services/import-service.js';
import { trainModel } from '../../training/train-service.js';

const dir = mkdtempSync(join(tmpdir(), 'painter-killed-cli-'));
const env = { ...process.env, PAINTER_DATA_DIR: join(dir, 'data'), PAINTER_BACKEND: 'wasm', DATABASE_URL: '' };
const cfg = loadConfig(env);
let root: string;

/** Runs `painter ARGS` and kills it with SIGKILL once `when` matches its output. */
async function killWhen(args: string[], when: RegExp): Promise<void> {
  const child = spawn(process.execPath, ['bin/painter.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (when.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`painter ${args[0]} ended before it could be killed:\n${output}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

beforeAll(async () => {
  await initBackend('wasm');
  root = (await generatePaintingDataset(join(dir, 'corpus'), { artists: 30, perArtist: 10, size: 40, layout: 'folder-per-artist', seed: 8 })).root;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('killed command-line runs', () => {
  it('an import killed while scanning can simply be run again, without duplicates', async () => {
    await killWhen(['import', root], /scan: \d+\/\d+/);
    const db = await openDatabase(cfg);
    const repos = createRepositories(db);
    try {
      const report = await importDataset(repos.datasets, root);
      expect(report.paintings).toBe(300);
      const again = await importDataset(repos.datasets, root);
      expect(again.changes).toMatchObject({ added: 0, removed: 0, updated: 0, unchanged: 300 });
      const rows = await db.prisma.painting.count();
      expect(rows).toBe(300);
    } finally {
      await db.close();
    }
  });

  it('training killed after its first epoch resumes from the checkpoint', async () => {
    await killWhen(
      ['train', '--preset', 'small', '--image-size', '32', '--epochs', '3', '--steps-per-epoch', '2', '--batch-size', '16', '--seed', '3'],
      /"epoch":1,/,
    );
    const db = await openDatabase(cfg);
    const repos = createRepositories(db);
    try {
      const interrupted = await repos.models.latestTraining();
      expect(interrupted?.status).toBe('training');
      const epochs: number[] = [];
      const resumed = await trainModel(cfg, repos, { resume: true, backend: 'wasm', onEpoch: (m) => void epochs.push(m.epoch) });
      expect(resumed.version).toBe(interrupted!.version);
      expect(resumed.resumedFrom).toBeGreaterThanOrEqual(1);
      expect(epochs[0]).toBe(resumed.resumedFrom + 1);
      expect(epochs[epochs.length - 1]).toBe(3);
      expect((await repos.models.get(resumed.version))?.status).toBe('complete');
    } finally {
      await db.close();
    }
  });
});
