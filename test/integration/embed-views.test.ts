/**
 * Test-time augmentation: a head trained with `--embed-views flip` embeds each painting as the mean
 * of its own and its mirror image's embeddings — in tfjs (evaluation, from cached features of both
 * views) and in the exported ONNX graph (the index and queries, which mirror the pixels in-graph)
 * alike, so the two agree, and a painting and its mirror image get one embedding.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { BASE_VIEW, VIEW_SETS } from '../../src/backbone/views.js';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { loadEncoder } from '../../src/encoders/load-encoder.js';
import type { ModelManifest } from '../../src/encoders/model-manifest.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';
import { importDataset } from '../../src/services/import-service.js';
import { trainModel } from '../../training/train-service.js';

let dir: string;
let cfg: Config;
let db: Database;
let repos: Repositories;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'painter-embed-views-'));
  cfg = loadConfig({}, { dataDir: join(dir, 'data'), modelsDir: join(dir, 'data', 'models'), embeddedDbDir: 'memory://', cacheDir: join(dir, 'cache') });
  db = await openDatabase(cfg);
  repos = createRepositories(db);
  await initBackend('wasm');
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Each HWC image of a batch mirrored left–right. */
function mirrorPixels(pixels: Float32Array, count: number, size: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) out[((n * size + y) * size + (size - 1 - x)) * 3 + c] = pixels[((n * size + y) * size + x) * 3 + c];
  return out;
}

describe('painter train --embed-views flip', () => {
  it('embeds the mean of a painting and its mirror image, the same in tfjs and ONNX, and mirror-invariant', { timeout: 600_000 }, async () => {
    await generatePaintingDataset(join(dir, 'paintings'), { artists: 8, perArtist: 3, size: 64, layout: 'labels-csv', seed: 6 });
    const imported = await importDataset(repos.datasets, join(dir, 'paintings'));
    const trained = await trainModel(cfg, repos, {
      datasetId: imported.datasetId,
      overrides: { preset: 'pretrained', embedViews: 'flip', epochs: 1, batchSize: 12, paintingsPerArtist: 2, milestones: [], seed: 3 },
      backend: 'wasm',
    });
    expect('error' in trained.onnx ? trained.onnx.error : null).toBeNull();
    const manifest = JSON.parse(readFileSync(join(trained.dir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.training.embedViews).toEqual(VIEW_SETS.flip);

    const files = (await repos.datasets.listPaintings(imported.datasetId)).slice(0, 3).map((p) => join(dir, 'paintings', p.relPath));
    const tfjs = await loadEncoder(trained.dir, { cacheDir: join(dir, 'cold-cache'), workers: 0, inference: { runtime: 'tfjs', decodePool: () => Promise.reject(new Error('unused')) } });
    const expected = await tfjs.embedFiles(files);
    tfjs.dispose();

    const size = BASE_VIEW.size;
    const pixels = new Float32Array(files.length * size * size * 3);
    for (let i = 0; i < files.length; i++) pixels.set((await decodeSquareRgb(files[i], size)).data, i * size * size * 3);
    const session = await OnnxSession.create(readFileSync(join(trained.dir, manifest.onnx!.file)), { threads: 2 });
    const actual = await session.run(pixels, files.length, size, size);
    const ofMirrored = await session.run(mirrorPixels(pixels, files.length, size), files.length, size, size);
    await session.release();
    const parity = maxDiff(actual, expected);
    const invariance = maxDiff(ofMirrored, actual);
    console.log(`mirrored-mean head: max |onnx − tfjs| = ${parity.toExponential(2)}, max |e(mirror) − e| = ${invariance.toExponential(2)}`);
    expect(parity).toBeLessThan(1e-4);
    expect(invariance).toBeLessThan(1e-4);
  });
});
