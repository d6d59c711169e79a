import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { concatRows } from '../../src/backbone/combine.js';
import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { BackboneFeaturizer, DEFAULT_BACKBONE_SPEC } from '../../src/backbone/features.js';
import { backboneIdOf, combinedLayout, MOBILENET_INCEPTION_SPEC } from '../../src/backbone/spec.js';
import { BASE_VIEW } from '../../src/backbone/views.js';
import { nsfwjsIOHandler } from '../../src/backbone/nsfwjs-bundle.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { buildHead } from '../../src/encoders/architectures.js';
import { DEFAULT_FEATURE_BLOCKS } from '../../src/encoders/backbone-defaults.js';
import { toEmbeddingSpace } from '../../src/encoders/embedding-space.js';
import { applyFeatureTransform, fitFeatureTransform, transformedDim } from '../../src/encoders/feature-transform.js';
import { saveLayersModel } from '../../src/encoders/model-files.js';
import { backboneSpecOf, type ModelManifest } from '../../src/encoders/model-manifest.js';
import { exportHeadPipelineToOnnx } from '../../src/onnx/export-head-pipeline.js';
import { buildOnnx, decodeSpecOf } from '../../src/onnx/export-model.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';

const SCALE = 5;
let dir: string;
let paths: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'head-pipeline-'));
  const fixture = await generatePaintingDataset(dir, { artists: 3, perArtist: 2, size: 160, layout: 'labels-csv', seed: 4 });
  paths = fixture.paintings.map((p) => join(fixture.root, p.relPath));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportHeadPipelineToOnnx', () => {
  it('computes the same embeddings as the tfjs backbone, feature transform and head, from pixels', async () => {
    const featurizer = await BackboneFeaturizer.create(DEFAULT_BACKBONE_SPEC);
    const decoded = await Promise.all(paths.map((p) => featurizer.decode(p, BASE_VIEW)));
    const raw = featurizer.featurize(decoded);
    const transform = fitFeatureTransform(raw, featurizer.dim, featurizer.blocks, DEFAULT_FEATURE_BLOCKS, true);
    const head = buildHead({ inputDim: transformedDim(transform), hidden: [256], embeddingDim: 128, seed: 3 });
    const input = applyFeatureTransform(raw, featurizer.dim, transform);
    const expected = tf.tidy(() => toEmbeddingSpace(head.predict(tf.tensor2d(input, [paths.length, transformedDim(transform)])) as tf.Tensor2D, SCALE).dataSync() as Float32Array);
    featurizer.dispose();

    const backbone = await tf.loadLayersModel(nsfwjsIOHandler('MobileNetV2'));
    const bytes = exportHeadPipelineToOnnx({ backbone, spec: DEFAULT_BACKBONE_SPEC, transform, head, embeddingScale: SCALE, inputSize: featurizer.inputSize });
    backbone.dispose();
    const session = await OnnxSession.create(bytes, { threads: 2 });
    const size = featurizer.inputSize;
    const pixels = new Float32Array(paths.length * size * size * 3);
    for (let i = 0; i < paths.length; i++) pixels.set((await decodeSquareRgb(paths[i], size)).data, i * size * size * 3);
    const actual = await session.run(pixels, paths.length, size, size);
    await session.release();

    expect(actual.length).toBe(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    console.log(`pretrained pipeline: max |onnx − tfjs| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-4);
    head.dispose();
  }, 120_000);

  it('serves MobileNetV2 and InceptionV3 blocks of a combined spec from one graph over the same pixels, built from the model manifest', async () => {
    const spec = MOBILENET_INCEPTION_SPEC;
    const featurizers = await Promise.all(spec.combine.map((part) => BackboneFeaturizer.create(part)));
    const rows = await Promise.all(featurizers.map(async (f) => ({ dim: f.dim, rows: f.featurize(await Promise.all(paths.map((p) => f.decode(p, BASE_VIEW)))) })));
    featurizers.forEach((f) => f.dispose());
    const layout = combinedLayout(spec, featurizers);
    const raw = concatRows(rows, paths.length);
    // The head reads blocks of both networks, shallow and deep.
    const use = ['MobileNetV2/pooled', 'MobileNetV2/block_6.gram', 'InceptionV3/pooled', 'InceptionV3/mixed2.std', 'InceptionV3/mixed5.gram', 'InceptionV3/mixed9.mean'];
    const transform = fitFeatureTransform(raw, layout.dim, layout.blocks, use, true);
    const head = buildHead({ inputDim: transformedDim(transform), hidden: [64], embeddingDim: 32, seed: 8 });
    const input = applyFeatureTransform(raw, layout.dim, transform);
    const expected = tf.tidy(() => toEmbeddingSpace(head.predict(tf.tensor2d(input, [paths.length, transformedDim(transform)])) as tf.Tensor2D, SCALE).dataSync() as Float32Array);

    const modelDir = join(dir, 'combined-model');
    await saveLayersModel(head, modelDir);
    head.dispose();
    const manifest: ModelManifest = {
      version: 1,
      preset: 'pretrained',
      kind: 'head',
      inputSize: BASE_VIEW.size,
      embeddingDim: 32,
      embeddingScale: SCALE,
      backbone: { id: backboneIdOf(spec), spec, featureTransform: transform },
      training: {},
      datasetId: null,
      backend: 'wasm',
      createdAt: new Date(0).toISOString(),
    };
    expect(backboneSpecOf(manifest)).toEqual(spec);
    const session = await OnnxSession.create(await buildOnnx(modelDir, manifest), { threads: 2 });
    const size = decodeSpecOf(manifest).size;
    const pixels = new Float32Array(paths.length * size * size * 3);
    for (let i = 0; i < paths.length; i++) pixels.set((await decodeSquareRgb(paths[i], size)).data, i * size * size * 3);
    const actual = await session.run(pixels, paths.length, size, size);
    await session.release();

    expect(actual.length).toBe(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    console.log(`MobileNetV2 + InceptionV3 pipeline: max |onnx − tfjs| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-4);
  }, 300_000);
});
