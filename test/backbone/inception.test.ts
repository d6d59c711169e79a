import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatRows } from '../../src/backbone/combine.js';
import { ensureBackend } from '../../src/backbone/ensure-backend.js';
import { extractBackboneFeatures } from '../../src/backbone/extract.js';
import { BackboneFeaturizer } from '../../src/backbone/features.js';
import { loadBackboneFeatureModel } from '../../src/backbone/load-backbone.js';
import { ResidentBackbone } from '../../src/backbone/resident-worker.js';
import {
  backboneIdOf,
  checkInputSize,
  combinedLayout,
  DEFAULT_BACKBONE_SPEC,
  INCEPTION_V3_SPEC,
  LEGACY_BACKBONE_SPEC,
  MOBILENET_INCEPTION_SPEC,
  validateFeatureSpec,
  type BackboneSpec,
} from '../../src/backbone/spec.js';
import { BASE_VIEW, type ViewSpec } from '../../src/backbone/views.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { backboneSpecOf, type ModelManifest } from '../../src/encoders/model-manifest.js';

let dir: string;
let paths: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'inception-test-'));
  // Textured paintings (strokes, palettes, noise): flat colours would leave most channels idle.
  const fixture = await generatePaintingDataset(dir, { artists: 3, perArtist: 1, size: 160, layout: 'labels-csv', seed: 11 });
  paths = fixture.paintings.map((p) => path.join(fixture.root, p.relPath));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('backbone specs', () => {
  it('keeps the ids that existing MobileNetV2 caches and models are keyed by', () => {
    // Pinned: a change here orphans every cached row and every trained head's recorded backbone.
    expect(backboneIdOf(DEFAULT_BACKBONE_SPEC)).toBe('MobileNetV2-style-v1-74df90d7518fce1f');
    expect(backboneIdOf(LEGACY_BACKBONE_SPEC)).toBe('MobileNetV2-style-v1-d170d56d327f8393');
    // An explicit default input range is the same features; another range is not.
    expect(backboneIdOf({ ...DEFAULT_BACKBONE_SPEC, inputRange: '[-1,1]' })).toBe(backboneIdOf(DEFAULT_BACKBONE_SPEC));
    expect(backboneIdOf({ ...DEFAULT_BACKBONE_SPEC, inputRange: '[0,1]' })).not.toBe(backboneIdOf(DEFAULT_BACKBONE_SPEC));
    expect(backboneIdOf(INCEPTION_V3_SPEC)).toMatch(/^InceptionV3-style-v1-[0-9a-f]{16}$/);
  });

  it('names a combination by its parts, and refuses combinations it could not name apart', () => {
    const id = backboneIdOf(MOBILENET_INCEPTION_SPEC);
    expect(id).toMatch(/^MobileNetV2\+InceptionV3-style-v1-[0-9a-f]{16}$/);
    const otherInception: BackboneSpec = { ...INCEPTION_V3_SPEC, styleLayers: ['mixed5'] };
    expect(backboneIdOf({ combine: [DEFAULT_BACKBONE_SPEC, otherInception] })).not.toBe(id);
    expect(backboneIdOf({ combine: [INCEPTION_V3_SPEC, DEFAULT_BACKBONE_SPEC] })).not.toBe(id);
    expect(() => validateFeatureSpec({ combine: [DEFAULT_BACKBONE_SPEC, LEGACY_BACKBONE_SPEC] })).toThrow(/MobileNetV2 is listed twice/);
    expect(() => validateFeatureSpec({ combine: [DEFAULT_BACKBONE_SPEC] })).toThrow(/at least two/);
    expect(() => validateFeatureSpec({ combine: [MOBILENET_INCEPTION_SPEC as unknown as BackboneSpec, INCEPTION_V3_SPEC] })).toThrow(/do not nest/);
  });

  it('refuses a model whose manifest records a spec no backbone computes', () => {
    const manifest = (spec: unknown, id: string) => ({ version: 3, kind: 'head', backbone: { id, spec, featureTransform: { blocks: [], use: [], mean: null } } }) as unknown as ModelManifest;
    expect(backboneSpecOf(manifest(MOBILENET_INCEPTION_SPEC, backboneIdOf(MOBILENET_INCEPTION_SPEC)))).toEqual(MOBILENET_INCEPTION_SPEC);
    expect(() => backboneSpecOf(manifest({ ...INCEPTION_V3_SPEC, variant: 'ResNet50' }, 'x'))).toThrow(expect.objectContaining({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/unknown backbone ResNet50/) }));
    expect(() => backboneSpecOf(manifest(MOBILENET_INCEPTION_SPEC, backboneIdOf(DEFAULT_BACKBONE_SPEC)))).toThrow(expect.objectContaining({ code: 'MODEL_CORRUPT' }));
  });

  it('states which input sizes each backbone takes', () => {
    expect(() => checkInputSize('MobileNetV2', 224)).not.toThrow();
    expect(() => checkInputSize('MobileNetV2', 240)).toThrow(/MobileNetV2 cannot run at 240 px: .*multiple of 32/);
    expect(() => checkInputSize('MobileNetV2Mid', 256)).toThrow(/224/);
    for (const ok of [75, 224, 299, 320]) expect(() => checkInputSize('InceptionV3', ok)).not.toThrow();
    expect(() => checkInputSize('InceptionV3', 74)).toThrow(/InceptionV3 cannot run at 74 px: .*at least 75/);
  });

  it('lays out a combined row part after part, each block prefixed with its backbone', () => {
    const a = { dim: 5, blocks: [{ name: 'pooled', offset: 0, dim: 2 }, { name: 'block_3.mean', offset: 2, dim: 3 }] };
    const b = { dim: 4, blocks: [{ name: 'pooled', offset: 0, dim: 4 }] };
    expect(combinedLayout(MOBILENET_INCEPTION_SPEC, [a, b])).toEqual({
      dim: 9,
      blocks: [
        { name: 'MobileNetV2/pooled', offset: 0, dim: 2 },
        { name: 'MobileNetV2/block_3.mean', offset: 2, dim: 3 },
        { name: 'InceptionV3/pooled', offset: 5, dim: 4 },
      ],
    });
    const rows = concatRows([{ dim: 2, rows: Float32Array.from([1, 2, 3, 4]) }, { dim: 1, rows: Float32Array.from([9, 8]) }], 2);
    expect(Array.from(rows)).toEqual([1, 2, 9, 3, 4, 8]);
  });
});

// InceptionV3 on tfjs-wasm and its conversion to ONNX per view size take minutes on two loaded cores.
describe('InceptionV3', () => {
  it('loads from the bundle on disk, cut below its NSFW classifier, at any size from 75 px', async () => {
    await ensureBackend();
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => {
      throw new Error('network access attempted');
    }) as typeof fetch;
    try {
      for (const [size, grids] of [
        [75, [7, 3, 1]],
        [224, [25, 12, 5]],
      ] as const) {
        const m = await loadBackboneFeatureModel({ variant: 'InceptionV3', layers: ['mixed2', 'mixed7', 'mixed10'], inputSize: size, inputRange: '[0,1]' });
        const out = m.run(tf.zeros([2, size, size, 3]) as tf.Tensor4D);
        expect(out.pooled.shape).toEqual([2, 2048]);
        expect(out.layers.map((t) => t.shape)).toEqual([
          [2, grids[0], grids[0], 288],
          [2, grids[1], grids[1], 768],
          [2, grids[2], grids[2], 2048],
        ]);
        // mixed10 is both the pooled layer and a tapped one.
        const pooledAgain = tf.mean(out.layers[2], [1, 2]);
        expect(maxAbsDiff(pooledAgain.dataSync() as Float32Array, out.pooled.dataSync() as Float32Array)).toBe(0);
        tf.dispose([out.pooled, ...out.layers, pooledAgain]);
        m.dispose();
      }
      await expect(loadBackboneFeatureModel({ variant: 'InceptionV3', inputSize: 64 })).rejects.toThrow(/at least 75/);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('has one pooled block and the statistics of every mixed block', async () => {
    const f = await BackboneFeaturizer.create(INCEPTION_V3_SPEC);
    const channels = [256, 288, 288, 768, 768, 768, 768, 768, 1280, 2048, 2048];
    expect(f.blocks.map((b) => `${b.name}:${b.dim}`)).toEqual([
      'pooled:2048',
      ...channels.flatMap((c, i) => [`mixed${i}.mean:${c}`, `mixed${i}.std:${c}`, `mixed${i}.gram:1176`]),
    ]);
    expect(f.dim).toBe(2048 + 2 * channels.reduce((a, b) => a + b, 0) + 11 * 1176);
    f.dispose();
  });

  it('computes on ONNX Runtime the rows tfjs computes, for the base view, a mirrored crop and an upsampled 288 px view', async () => {
    const views: ViewSpec[] = [BASE_VIEW, { size: 224, crop: { scale: 0.6, x: 0.2, y: 1 }, flip: true }, { size: 288 }];
    const onnx = await extractBackboneFeatures(paths, { spec: INCEPTION_V3_SPEC, runtime: 'onnx', workers: 2, views, cacheDir: path.join(dir, 'inception-cache') });
    const tfjs = await extractBackboneFeatures(paths, { spec: INCEPTION_V3_SPEC, runtime: 'tfjs', workers: 0, views });
    expect(onnx.backboneId).toBe(backboneIdOf(INCEPTION_V3_SPEC));
    expect(onnx.blocks).toEqual(tfjs.blocks);
    // Raw rows, before any normalisation: signed square roots magnify float rounding near zero.
    const diffs = views.map((_, v) => maxAbsDiff(onnx.views[v], tfjs.views[v]));
    console.log(`InceptionV3 rows: max |onnx − tfjs| per view = ${diffs.map((d) => d.toExponential(2)).join(', ')}`);
    for (const d of diffs) expect(d).toBeLessThan(3e-4);
    expect(maxAbsDiff(onnx.views[0], onnx.views[1])).toBeGreaterThan(0.05);
    expect(maxAbsDiff(onnx.views[0], onnx.views[2])).toBeGreaterThan(0.01);
  }, 300_000);
});

describe('combined backbones', () => {
  it('lays each backbone’s own cached rows side by side, never recomputing a part already cached', async () => {
    const cacheDir = path.join(dir, 'combined-cache');
    const mobilenet = await extractBackboneFeatures(paths, { runtime: 'onnx', workers: 2, cacheDir });
    const combined = await extractBackboneFeatures(paths, { spec: MOBILENET_INCEPTION_SPEC, runtime: 'onnx', workers: 2, cacheDir });
    expect(combined.backboneId).toBe(backboneIdOf(MOBILENET_INCEPTION_SPEC));
    expect(combined.parts).toEqual([
      { backboneId: backboneIdOf(DEFAULT_BACKBONE_SPEC), extracted: 0, cached: paths.length },
      { backboneId: backboneIdOf(INCEPTION_V3_SPEC), extracted: paths.length, cached: 0 },
    ]);
    const inception = await extractBackboneFeatures(paths, { spec: INCEPTION_V3_SPEC, runtime: 'onnx', cacheDir });
    expect(inception.stats).toMatchObject({ extracted: 0, cached: paths.length });
    expect(combined.blocks).toEqual(combinedLayout(MOBILENET_INCEPTION_SPEC, [mobilenet, inception]).blocks);
    expect(combined.dim).toBe(mobilenet.dim + inception.dim);
    expect(combined.blocks[0].name).toBe('MobileNetV2/pooled');
    expect(combined.blocks.find((b) => b.name === 'InceptionV3/mixed5.gram')).toBeDefined();
    for (let i = 0; i < paths.length; i++) {
      const row = combined.views[0].subarray(i * combined.dim, (i + 1) * combined.dim);
      expect(row.subarray(0, mobilenet.dim)).toEqual(mobilenet.views[0].subarray(i * mobilenet.dim, (i + 1) * mobilenet.dim));
      expect(row.subarray(mobilenet.dim)).toEqual(inception.views[0].subarray(i * inception.dim, (i + 1) * inception.dim));
    }

    // A server's resident tfjs backbones give the same combined rows.
    const resident = await ResidentBackbone.start(MOBILENET_INCEPTION_SPEC);
    try {
      const served = await resident.featurize(paths);
      expect(served.blocks).toEqual(combined.blocks);
      expect(maxAbsDiff(served.rows, combined.views[0])).toBeLessThan(3e-4);
    } finally {
      await resident.close();
    }
  }, 300_000);
});
