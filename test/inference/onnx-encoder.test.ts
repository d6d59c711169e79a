import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/compute/backend.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { buildCnn } from '../../src/encoders/architectures.js';
import { getPreset } from '../../src/encoders/presets.js';
import { loadEncoder, type InferenceEnvironment } from '../../src/encoders/load-encoder.js';
import { saveLayersModel } from '../../src/encoders/model-files.js';
import { writeManifest } from '../../src/encoders/model-manifest.js';
import { DecodePool } from '../../src/inference/decode-pool.js';
import { InferencePool } from '../../src/inference/inference-pool.js';
import { OnnxEncoder } from '../../src/inference/onnx-encoder.js';
import { exportSavedModel, ONNX_FILE } from '../../src/onnx/export-model.js';
import { errorOf } from '../db/helpers.js';
import { pngDeclaring, truncated } from '../support/hostile-images.js';

const SIZE = 48;
let root: string;
let modelDir: string;
let images: string[];
let pool: DecodePool;

function inference(runtime: InferenceEnvironment['runtime'], windowMs = 4): InferenceEnvironment {
  return { runtime, decodePool: async () => pool, threads: 1, maxBatch: 8, windowMs };
}

beforeAll(async () => {
  await initBackend('wasm'); // the 256 px reference net takes minutes on the plain-JS cpu backend
  root = await mkdtemp(join(tmpdir(), 'onnx-encoder-'));
  const fixture = await generatePaintingDataset(join(root, 'data'), { artists: 3, perArtist: 4, size: 96, layout: 'labels-csv', seed: 2 });
  images = fixture.paintings.map((p) => join(fixture.root, p.relPath));
  modelDir = join(root, 'v1');
  const model = buildCnn({ inputSize: SIZE, blocks: [{ convs: 1, filters: 8 }, { convs: 2, filters: 16 }], embeddingDim: 32, seed: 5 });
  await saveLayersModel(model, modelDir);
  model.dispose();
  await writeManifest(modelDir, {
    version: 1,
    preset: 'small',
    kind: 'cnn',
    inputSize: SIZE,
    embeddingDim: 32,
    embeddingScale: 5,
    training: {},
    datasetId: null,
    backend: 'cpu',
    createdAt: new Date().toISOString(),
  });
  await exportSavedModel(modelDir);
  pool = await DecodePool.start(2);
}, 60_000);

afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

/** Saves `preset`'s real architecture (seeded weights) as model version 1 in `dir`, exported to ONNX. */
async function savePresetModel(dir: string, preset: 'small' | 'seed'): Promise<void> {
  const p = getPreset(preset);
  const model = buildCnn({ inputSize: p.inputSize, blocks: p.blocks!, embeddingDim: p.embeddingDim, seed: 9 });
  await saveLayersModel(model, dir);
  model.dispose();
  await writeManifest(dir, {
    version: 1, preset, kind: 'cnn', inputSize: p.inputSize, embeddingDim: p.embeddingDim, embeddingScale: p.embeddingScale,
    training: {}, datasetId: null, backend: 'cpu', createdAt: new Date().toISOString(),
  });
  await exportSavedModel(dir);
}

describe.each(['small', 'seed'] as const)('the %s preset exported when saved', (preset) => {
  it('serves the same embeddings on ONNX Runtime as on tfjs, within 1e-4, on image files', async () => {
    const dir = join(root, `preset-${preset}`);
    await savePresetModel(dir, preset);
    const files = preset === 'seed' ? images.slice(0, 2) : images; // the 256 px reference net is slow on tfjs
    const onnx = await loadEncoder(dir, { cacheDir: root, inference: inference('onnx') });
    const tfjs = await loadEncoder(dir, { cacheDir: root, inference: inference('tfjs') });
    const a = await onnx.embedFiles(files);
    const b = await tfjs.embedFiles(files);
    expect(a.length).toBe(files.length * getPreset(preset).embeddingDim);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    onnx.dispose();
    tfjs.dispose();
  }, 120_000);
});

describe('OnnxEncoder', () => {
  it('embeds files like the tfjs encoder of the same model, within 1e-4', async () => {
    const onnx = await loadEncoder(modelDir, { cacheDir: root, inference: inference('onnx') });
    const tfjs = await loadEncoder(modelDir, { cacheDir: root, inference: inference('tfjs') });
    expect(onnx).toBeInstanceOf(OnnxEncoder);
    expect(tfjs).not.toBeInstanceOf(OnnxEncoder);
    const a = await onnx.embedFiles(images);
    const b = await tfjs.embedFiles(images);
    expect(a.length).toBe(images.length * 32);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // Uploaded bytes on tfjs: the same row as the file, and the same 4xx for bad bytes.
    expect(Array.from(await tfjs.embedBytes!(await readFile(images[1]), "'q.png'"))).toEqual(Array.from(b.subarray(32, 64)));
    expect((await errorOf(tfjs.embedBytes!(Buffer.from('plain text'), "'q.txt'"))).message).toMatch(/^'q\.txt' is not a readable image/);
    onnx.dispose();
    tfjs.dispose();
  });

  it('gives each batch its own rows when several wait for one session', async () => {
    const session = await InferencePool.start({ modelPath: join(modelDir, ONNX_FILE), sessions: 1, threads: 1 });
    try {
      const px = SIZE * SIZE * 3;
      const batch = (seed: number) => Uint8Array.from({ length: 2 * px }, (_, i) => (i * 31 + seed * 97) % 256);
      const alone: Float32Array[] = [];
      for (let b = 0; b < 16; b++) alone.push(await session.run(batch(b), [2, SIZE, SIZE, 3], 255));
      // All posted at once: the later ones arrive while the first still waits to run.
      const together = await Promise.all(alone.map((_, b) => session.run(batch(b), [2, SIZE, SIZE, 3], 255)));
      together.forEach((rows, b) => expect(Array.from(rows)).toEqual(Array.from(alone[b])));
      expect(Array.from(alone[0])).not.toEqual(Array.from(alone[1]));
    } finally {
      await session.close();
    }
  });

  it('batches concurrent requests together', async () => {
    const encoder = (await loadEncoder(modelDir, { cacheDir: root, inference: inference('onnx', 50) })) as OnnxEncoder;
    const rows = await Promise.all(images.slice(0, 8).map((p) => encoder.embedOne(p)));
    expect(rows.every((r) => r.length === 32)).toBe(true);
    expect(encoder.batchStats.items).toBe(8);
    expect(encoder.batchStats.batches).toBeLessThan(8);
    encoder.dispose();
  });

  it('reports an unreadable image as IMAGE_UNREADABLE, and keeps serving', async () => {
    const bad = join(root, 'not-an-image.jpg');
    await writeFile(bad, 'plain text, not a JPEG');
    const encoder = await loadEncoder(modelDir, { cacheDir: root, inference: inference('onnx') });
    const e = await errorOf(encoder.embedFiles([images[0], bad]));
    expect(e.code).toBe('IMAGE_UNREADABLE');
    expect((await encoder.embedFiles([images[1]])).length).toBe(32);
    encoder.dispose();
  });

  it('embeds uploaded bytes as it embeds the same file, and refuses bad bytes with the 4xx naming them', async () => {
    const encoder = (await loadEncoder(modelDir, { cacheDir: root, inference: inference('onnx') })) as OnnxEncoder;
    const bytes = await readFile(images[2]);
    const fromBytes = await encoder.embedBytes(bytes, "'query.png'");
    const fromFile = await encoder.embedFiles([images[2]]);
    expect(Array.from(fromBytes)).toEqual(Array.from(fromFile));

    const cut = await errorOf(encoder.embedBytes(truncated(bytes), "'cut.png'"));
    expect(cut.code).toBe('IMAGE_UNREADABLE');
    expect(cut.message).toMatch(/^'cut\.png' is not a readable image/);
    const text = await errorOf(encoder.embedBytes(Buffer.from('plain text'), "'notes.txt'"));
    expect(text.code).toBe('IMAGE_UNREADABLE');
    expect(text.message).toMatch(/'notes\.txt' is not a readable image \(not an image\)/);
    const bomb = await errorOf(encoder.embedBytes(pngDeclaring(20_000, 20_000), "'bomb.png'"));
    expect(bomb.code).toBe('IMAGE_TOO_LARGE');
    expect(bomb.message).toMatch(/'bomb\.png' has more than 100 megapixels/);
    // A failed decode is no longer awaited by the batcher: the next image is served.
    expect((await encoder.embedBytes(bytes, "'query.png'")).length).toBe(32);
    encoder.dispose();
  });

  it('falls back to tfjs when the ONNX file is damaged, or refuses when ONNX is required', async () => {
    await writeFile(join(modelDir, ONNX_FILE), 'damaged');
    const auto = await loadEncoder(modelDir, { cacheDir: root, inference: inference('auto') });
    expect(auto).not.toBeInstanceOf(OnnxEncoder);
    expect((await auto.embedFiles([images[0]])).length).toBe(32);
    auto.dispose();
    const e = await errorOf(loadEncoder(modelDir, { cacheDir: root, inference: inference('onnx') }));
    expect(e.code).toBe('MODEL_CORRUPT');
    expect(e.message).toMatch(/painter export 1/);
    await exportSavedModel(modelDir);
  });
});
