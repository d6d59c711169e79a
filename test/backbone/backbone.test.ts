import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/backbone/ensure-backend.js';
import { DEFAULT_BACKBONE_SPEC, extractBackboneFeatures, type BackboneSpec } from '../../src/backbone/extract.js';
import { BackboneFeaturizer, backboneIdOf } from '../../src/backbone/features.js';
import { loadBackboneFeatureModel } from '../../src/backbone/load-backbone.js';
import { seededProjection, styleDims, upperTriangleIndices } from '../../src/backbone/spec.js';
import { signedSqrt, StyleStatisticsComputer } from '../../src/backbone/style-features.js';
import { BASE_VIEW, type ViewSpec } from '../../src/backbone/views.js';

const MIRROR: ViewSpec = { size: 224, flip: true };

let dir: string;
const images: string[] = [];

async function makeImage(file: string, i: number): Promise<void> {
  // Distinct colours plus an off-centre block so images (and their mirror views) differ.
  const w = 90 + 13 * i;
  const h = 70 + 9 * i;
  const block = await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 255 - 30 * i, g: 20 * i, b: 40 } } })
    .png()
    .toBuffer();
  await sharp({ create: { width: w, height: h, channels: 4, background: { r: 25 * i, g: 200 - 15 * i, b: 90, alpha: 1 } } })
    .composite([{ input: block, left: 5, top: 10 }])
    .png()
    .toFile(file);
}

beforeAll(async () => {
  await ensureBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'backbone-test-'));
  for (let i = 0; i < 5; i++) {
    const p = path.join(dir, `img${i}.png`);
    await makeImage(p, i);
    images.push(p);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('style statistics', () => {
  it('matches a direct computation with an identity projection', () => {
    const act = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const s = new StyleStatisticsComputer(2, { gramChannels: 8, centered: false, seed: 1 });
    const st = s.compute(act);
    // channel 0: 1,3,5,7  channel 1: 2,4,6,8
    const mean = [4, 5];
    expect(Array.from(st.mean.dataSync())).toEqual(mean.map((m) => expect.closeTo(Math.sqrt(m), 5)));
    expect(st.std.dataSync()[0]).toBeCloseTo(Math.sqrt(Math.sqrt(5)), 4);
    const g00 = (1 + 9 + 25 + 49) / 4;
    const g01 = (2 + 12 + 30 + 56) / 4;
    const g11 = (4 + 16 + 36 + 64) / 4;
    const gram = Array.from(st.gram.dataSync());
    expect(gram[0]).toBeCloseTo(Math.sqrt(g00), 4);
    expect(gram[1]).toBeCloseTo(Math.sqrt(g01) * Math.SQRT2, 4);
    expect(gram[2]).toBeCloseTo(Math.sqrt(g11), 4);
    s.dispose();
    tf.dispose([act, st.mean, st.std, st.gram]);
  });

  it('keeps the signed square root of values below float32 epsilon, as ONNX Runtime does', async () => {
    await ensureBackend(); // tfjs-wasm's own Sign rounds |x| < 1.2e-7 to 0
    const v = [4, 1e-6, 1e-7, 5e-8, 0, -5e-8, -9];
    const t = tf.tensor1d(v);
    const r = signedSqrt(t);
    expect(Array.from(r.dataSync())).toEqual(v.map((x) => expect.closeTo(Math.sign(x) * Math.sqrt(Math.abs(x)), 7)));
    expect(r.dataSync()[3]).toBeGreaterThan(2e-4);
    tf.dispose([t, r]);
  });

  it('has a seeded, reproducible projection and fixed dims', () => {
    expect(seededProjection(192, 48, 7)).toEqual(seededProjection(192, 48, 7));
    expect(seededProjection(192, 48, 7)).not.toEqual(seededProjection(192, 48, 8));
    expect(styleDims(192, { gramChannels: 48, centered: true, seed: 1 })).toEqual({ mean: 192, std: 192, gram: 1176 });
    expect(upperTriangleIndices(3)).toEqual(Int32Array.from([0, 1, 2, 4, 5, 8]));
  });
});

describe('backbone', () => {
  it('loads the bundled model from disk without any network access', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => {
      throw new Error('network access attempted');
    }) as typeof fetch;
    try {
      await ensureBackend();
      const m = await loadBackboneFeatureModel({ layers: ['block_3_expand_relu', 'block_6_expand_relu'] });
      const out = m.run(tf.zeros([1, 224, 224, 3]) as tf.Tensor4D);
      expect(out.pooled.shape).toEqual([1, 1280]);
      expect(out.layers.map((t) => t.shape)).toEqual([
        [1, 56, 56, 144],
        [1, 28, 28, 192],
      ]);
      tf.dispose([out.pooled, ...out.layers]);
      m.dispose();
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('has a stable, contiguous layout and deterministic rows', async () => {
    const f = await BackboneFeaturizer.create();
    expect(f.blocks.map((b) => `${b.name}:${b.dim}`)).toEqual([
      'pooled:1280',
      'block_3.mean:144',
      'block_3.std:144',
      'block_3.gram:1176',
      'block_6.mean:192',
      'block_6.std:192',
      'block_6.gram:1176',
      'block_13.mean:576',
      'block_13.std:576',
      'block_13.gram:1176',
    ]);
    let offset = 0;
    for (const b of f.blocks) {
      expect(b.offset).toBe(offset);
      offset += b.dim;
    }
    expect(f.dim).toBe(offset);
    const img = await f.decode(images[1], BASE_VIEW);
    const a = f.featurize([img]);
    const b = f.featurize([img, await f.decode(images[2], BASE_VIEW)]);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(b.subarray(0, f.dim))).toEqual(Array.from(a).map((v) => expect.closeTo(v, 4)));
    expect(f.backboneId).toBe(backboneIdOf(DEFAULT_BACKBONE_SPEC));
    f.dispose();
  });
});

describe('extractBackboneFeatures', () => {
  it('caches rows by content and ignores a cache of another backbone', async () => {
    const cacheDir = path.join(dir, 'cache');
    const first = await extractBackboneFeatures(images.slice(0, 3), { runtime: 'tfjs', workers: 0, cacheDir, views: [BASE_VIEW, MIRROR] });
    expect(first.stats).toMatchObject({ extracted: 6, cached: 0 });
    expect(first.views).toHaveLength(2);
    expect(first.views[0].length).toBe(3 * first.dim);
    expect(first.views[0]).not.toEqual(first.views[1]);

    // Same bytes under another name, plus one new image: only the new one is computed.
    const copy = path.join(dir, 'copy-of-0.png');
    await copyFile(images[0], copy);
    const second = await extractBackboneFeatures([copy, ...images.slice(0, 4)], { runtime: 'tfjs', workers: 0, cacheDir, views: [BASE_VIEW, MIRROR] });
    expect(second.stats).toMatchObject({ extracted: 2, cached: 6 });
    expect(second.views[0].subarray(0, second.dim)).toEqual(first.views[0].subarray(0, first.dim));
    expect(second.views[1].subarray(3 * second.dim, 4 * second.dim)).toEqual(first.views[1].subarray(2 * first.dim, 3 * first.dim));

    const third = await extractBackboneFeatures(images.slice(0, 4), { runtime: 'tfjs', workers: 0, cacheDir });
    expect(third.stats).toMatchObject({ extracted: 0, cached: 4 });

    const otherSpec: BackboneSpec = { ...DEFAULT_BACKBONE_SPEC, style: { ...DEFAULT_BACKBONE_SPEC.style, seed: 12345 } };
    const other = await extractBackboneFeatures(images.slice(0, 2), { runtime: 'tfjs', workers: 0, cacheDir, spec: otherSpec });
    expect(other.backboneId).not.toBe(first.backboneId);
    expect(other.stats).toMatchObject({ extracted: 2, cached: 0 });
  });

  it('gives the same rows from a worker pool as in-process', async () => {
    const local = await extractBackboneFeatures(images, { runtime: 'tfjs', workers: 0, batchSize: 2 });
    const progress: number[] = [];
    const pooled = await extractBackboneFeatures(images, { runtime: 'tfjs', workers: 2, batchSize: 2, onProgress: (d) => progress.push(d) });
    expect(pooled.stats.workers).toBe(2);
    expect(pooled.blocks).toEqual(local.blocks);
    expect(progress.at(-1)).toBe(images.length);
    let maxDiff = 0;
    for (let i = 0; i < local.views[0].length; i++) maxDiff = Math.max(maxDiff, Math.abs(local.views[0][i] - pooled.views[0][i]));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it.each(['tfjs', 'onnx'] as const)('names an unreadable image, or skips it on request (%s)', async (runtime) => {
    const bad = path.join(dir, 'broken.jpg');
    await writeFile(bad, 'not an image');
    await expect(extractBackboneFeatures([images[0], bad], { runtime, workers: runtime === 'tfjs' ? 0 : 1 })).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
      message: expect.stringContaining('broken.jpg'),
    });
    const missing = path.join(dir, 'missing.png');
    await expect(extractBackboneFeatures([missing], { runtime })).rejects.toThrow(/missing\.png/);
    const r = await extractBackboneFeatures([images[0], bad], { runtime, workers: runtime === 'tfjs' ? 0 : 1, skipUnreadable: true });
    expect(r.failed.map((f) => f.path)).toEqual([bad]);
    expect(Number.isNaN(r.views[0][r.dim])).toBe(true);
    expect(Number.isFinite(r.views[0][0])).toBe(true);
  });

  it('runs its workers when started from tsx too', async () => {
    const script = [
      `import { extractBackboneFeatures } from ${JSON.stringify(path.resolve('src/backbone/extract.ts'))};`,
      `const r = await extractBackboneFeatures(${JSON.stringify(images.slice(0, 2))}, { workers: 1, cacheDir: ${JSON.stringify(path.join(dir, 'tsx-cache'))} });`,
      `console.log(JSON.stringify({ dim: r.dim, first: r.views[0][0], workers: r.stats.workers }));`,
    ].join('\n');
    const file = path.join(dir, 'tsx-run.mts');
    await writeFile(file, script);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: process.cwd() });
    const line = stdout.trim().split('\n').at(-1)!;
    const out = JSON.parse(line) as { dim: number; first: number; workers: number };
    const local = await extractBackboneFeatures(images.slice(0, 1), { runtime: 'tfjs', workers: 0 });
    expect(out.workers).toBe(1);
    expect(out.dim).toBe(local.dim);
    expect(out.first).toBeCloseTo(local.views[0][0], 4);
  });
});

describe('backbone features on ONNX Runtime', () => {
  function maxAbsDiff(a: Float32Array, b: Float32Array): number {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  it('computes the rows tfjs computes, for whole, mirrored, cropped, rotated and upsampled views', async () => {
    const views: ViewSpec[] = [BASE_VIEW, MIRROR, { size: 224, crop: { scale: 0.5, x: 1, y: 0 }, rotate: 90 }, { size: 448 }];
    const cacheDir = path.join(dir, 'parity-cache');
    const onnx = await extractBackboneFeatures(images.slice(0, 3), { runtime: 'onnx', workers: 2, views, cacheDir });
    const tfjs = await extractBackboneFeatures(images.slice(0, 3), { runtime: 'tfjs', workers: 0, views });
    expect(onnx.stats).toMatchObject({ runtime: 'onnx', extracted: 12, cached: 0 });
    expect(onnx.blocks).toEqual(tfjs.blocks);
    // Raw rows, before any normalisation: signed square roots magnify float rounding near zero.
    views.forEach((_, v) => expect(maxAbsDiff(onnx.views[v], tfjs.views[v])).toBeLessThan(3e-4));
    // The views really differ from each other.
    expect(maxAbsDiff(onnx.views[0], onnx.views[2])).toBeGreaterThan(0.05);
    expect(maxAbsDiff(onnx.views[0], onnx.views[3])).toBeGreaterThan(0.01);

    // A second run reads every row from the per-view cache files.
    const again = await extractBackboneFeatures(images.slice(0, 3), { runtime: 'onnx', views, cacheDir });
    expect(again.stats).toMatchObject({ extracted: 0, cached: 12 });
    views.forEach((_, v) => expect(again.views[v]).toEqual(onnx.views[v]));
  });
});
