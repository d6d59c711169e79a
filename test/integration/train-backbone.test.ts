/**
 * The backbone as a training choice: a head trained on InceptionV3's features (generated
 * paintings, a few steps) is saved with the choice in its configuration and the InceptionV3 spec
 * in its manifest, and its ONNX export — InceptionV3, its style statistics and the head in one
 * graph — serves what tfjs computes from the same files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { backboneIdOf, INCEPTION_V3_SPEC } from '../../src/backbone/spec.js';
import { BASE_VIEW } from '../../src/backbone/views.js';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { BACKBONE_CHOICES } from '../../src/encoders/backbone-choices.js';
import { loadEncoder } from '../../src/encoders/load-encoder.js';
import type { ModelManifest } from '../../src/encoders/model-manifest.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';
import { importDataset } from '../../src/services/import-service.js';
import { resolveTrainingConfig } from '../../training/config.js';
import { trainModel } from '../../training/train-service.js';

let dir: string;
let cfg: Config;
let db: Database;
let repos: Repositories;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'painter-backbone-'));
  cfg = loadConfig({}, { dataDir: join(dir, 'data'), modelsDir: join(dir, 'data', 'models'), embeddedDbDir: 'memory://', cacheDir: join(dir, 'cache') });
  db = await openDatabase(cfg);
  repos = createRepositories(db);
  await initBackend('wasm');
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('painter train --backbone', () => {
  it('refuses a backbone for a CNN preset and fine-tuning a backbone it cannot rebuild', () => {
    expect(resolveTrainingConfig({}).config.backbone).toBe('mobilenet');
    expect(() => resolveTrainingConfig({ preset: 'small', backbone: 'inception' })).toThrow(/head presets/);
    expect(() => resolveTrainingConfig({ backbone: 'inception', fineTuneFrom: 'block_15_add' })).toThrow(/cannot be fine-tuned/);
    expect(resolveTrainingConfig({ backbone: 'both' }).config.backbone).toBe('both');
  });

  it('trains a head on InceptionV3, records the choice, and exports a graph that matches tfjs within 1e-4', { timeout: 600_000 }, async () => {
    await generatePaintingDataset(join(dir, 'paintings'), { artists: 10, perArtist: 3, size: 64, layout: 'labels-csv', seed: 4 });
    const imported = await importDataset(repos.datasets, join(dir, 'paintings'));
    const trained = await trainModel(cfg, repos, {
      datasetId: imported.datasetId,
      overrides: { preset: 'pretrained', backbone: 'inception', epochs: 1, batchSize: 12, paintingsPerArtist: 2, milestones: [], seed: 3 },
      backend: 'wasm',
    });
    expect('error' in trained.onnx ? trained.onnx.error : null).toBeNull();
    const manifest = JSON.parse(readFileSync(join(trained.dir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.training.backbone).toBe('inception');
    expect(manifest.backbone!.spec).toEqual(INCEPTION_V3_SPEC);
    expect(manifest.backbone!.id).toBe(backboneIdOf(INCEPTION_V3_SPEC));
    expect(manifest.backbone!.featureTransform.use).toEqual(BACKBONE_CHOICES.inception.featureBlocks);
    expect(manifest.backbone!.featureTransform.use).toContain('mixed0.gram');
    expect(manifest.backbone!.featureTransform.use).toContain('mixed10.std');

    // tfjs from a cold cache (features computed on tfjs too) against the exported graph on ONNX Runtime.
    const files = (await repos.datasets.listPaintings(imported.datasetId)).slice(0, 3).map((p) => join(dir, 'paintings', p.relPath));
    const tfjs = await loadEncoder(trained.dir, { cacheDir: join(dir, 'cold-cache'), workers: 0, inference: { runtime: 'tfjs', decodePool: () => Promise.reject(new Error('unused')) } });
    const expected = await tfjs.embedFiles(files);
    tfjs.dispose();
    const size = BASE_VIEW.size;
    const pixels = new Float32Array(files.length * size * size * 3);
    for (let i = 0; i < files.length; i++) pixels.set((await decodeSquareRgb(files[i], size)).data, i * size * size * 3);
    const session = await OnnxSession.create(readFileSync(join(trained.dir, manifest.onnx!.file)), { threads: 2 });
    const actual = await session.run(pixels, files.length, size, size);
    await session.release();
    expect(actual.length).toBe(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    console.log(`InceptionV3 head: max |onnx − tfjs| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
