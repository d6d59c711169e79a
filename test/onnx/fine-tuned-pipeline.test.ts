/**
 * A head that fine-tunes the backbone above a cut: the rebuilt top reproduces the frozen
 * backbone exactly before training, and the exported graph (frozen backbone to the cut, the
 * fine-tuned layers, the head) serves what tfjs computes after the weights have moved.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { BackboneFeaturizer, DEFAULT_BACKBONE_SPEC } from '../../src/backbone/features.js';
import { nsfwjsIOHandler } from '../../src/backbone/load-mobilenet.js';
import { BASE_VIEW } from '../../src/backbone/views.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { DEFAULT_FEATURE_BLOCKS } from '../../src/encoders/backbone-defaults.js';
import { meanOfViews, toEmbeddingSpace } from '../../src/encoders/embedding-space.js';
import { applyFeatureTransform, blockByName, blockRows, blockScale, fitFeatureTransform, transformedDim } from '../../src/encoders/feature-transform.js';
import { buildFineTuneModel, layersAbove, rebuildTop, topWeightNames } from '../../src/encoders/fine-tune.js';
import { exportFineTunedPipelineToOnnx } from '../../src/onnx/export-head-pipeline.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';

const SCALE = 5;
const FROM = 'block_15_add';
let dir: string;
let paths: string[];
let keras: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fine-tune-'));
  const fixture = await generatePaintingDataset(dir, { artists: 3, perArtist: 2, size: 160, layout: 'labels-csv', seed: 9 });
  paths = fixture.paintings.map((p) => join(fixture.root, p.relPath));
  keras = await tf.loadLayersModel(nsfwjsIOHandler('MobileNetV2'));
}, 120_000);

afterAll(async () => {
  keras?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('fine-tuning the top of the backbone', () => {
  it('rebuilds the layers above a cut with their BatchNorms folded, reproducing the frozen network', () => {
    const cut = keras.layers.find((l) => l.name === FROM)!;
    const out = keras.layers.find((l) => l.name === 'out_relu')!;
    const probe = tf.model({ inputs: keras.inputs, outputs: [cut.output as tf.SymbolicTensor, out.output as tf.SymbolicTensor] });
    const [act, expected] = probe.predict(tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 5)) as tf.Tensor[];
    const input = tf.input({ shape: (cut.outputShape as number[]).slice(1) });
    const top = rebuildTop(keras, FROM, input);
    const rebuilt = tf.model({ inputs: input, outputs: top.output });
    top.loadWeights();
    expect(rebuilt.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(rebuilt.layers.filter((l) => l.getClassName() === 'DepthwiseConv2D')).toHaveLength(1);
    const diff = tf.max(tf.abs(tf.sub(rebuilt.predict(act) as tf.Tensor, expected))).dataSync()[0];
    expect(diff).toBeLessThan(1e-4);
    // Not a cut: block_15_project_BN's consumer also reads block_14_add.
    expect(() => layersAbove(keras, 'block_15_project_BN')).toThrow(/not a cut/);
  });

  it('exports the fine-tuned pipeline to ONNX with the embeddings tfjs computes, within 1e-4', async () => {
    const spec = { ...DEFAULT_BACKBONE_SPEC, activations: [FROM] };
    const featurizer = await BackboneFeaturizer.create(spec);
    const decoded = await Promise.all(paths.map((p) => featurizer.decode(p, BASE_VIEW)));
    const raw = featurizer.featurize(decoded);
    featurizer.dispose();
    const transform = fitFeatureTransform(raw, featurizer.dim, featurizer.blocks, DEFAULT_FEATURE_BLOCKS, true, ['pooled']);
    const model = buildFineTuneModel({ keras, from: FROM, frozenDim: transformedDim(transform), blockScale: blockScale(transform), embeddingDim: 64, seed: 2 });
    // As if training had moved the backbone's layers.
    const names = topWeightNames(model);
    expect(names.size).toBeGreaterThan(0);
    for (const w of model.trainableWeights) {
      if (!names.has(w.name)) continue;
      const v = w.read();
      w.write(tf.tidy(() => tf.add(v, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 3), tf.mul(tf.moments(v).variance.sqrt(), 0.2)))));
    }
    const frozen = applyFeatureTransform(raw, featurizer.dim, transform);
    const acts = blockRows(raw, featurizer.dim, blockByName(featurizer.blocks, `${FROM}.act`));
    const shape = model.inputs[0].shape.slice(1) as number[];
    const expected = tf.tidy(() =>
      toEmbeddingSpace(model.predict([tf.tensor4d(acts, [paths.length, ...shape] as [number, number, number, number]), tf.tensor2d(frozen, [paths.length, transformedDim(transform)])]) as tf.Tensor2D, SCALE).dataSync() as Float32Array,
    );

    const bytes = exportFineTunedPipelineToOnnx({ backbone: keras, spec, transform, head: model, embeddingScale: SCALE, inputSize: 224, from: FROM });
    const session = await OnnxSession.create(bytes, { threads: 2 });
    const pixels = new Float32Array(paths.length * 224 * 224 * 3);
    for (let i = 0; i < paths.length; i++) pixels.set((await decodeSquareRgb(paths[i], 224)).data, i * 224 * 224 * 3);
    const actual = await session.run(pixels, paths.length, 224, 224);
    await session.release();
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    console.log(`fine-tuned pipeline: max |onnx − tfjs| = ${maxDiff.toExponential(2)}`);
    expect(actual.length).toBe(expected.length);
    expect(maxDiff).toBeLessThan(1e-4);

    // With --embed-views flip: the mean with the mirror image's embedding, the mirror made in-graph.
    const mirrorFeaturizer = await BackboneFeaturizer.create(spec);
    const mirroredRaw = mirrorFeaturizer.featurize(await Promise.all(paths.map((p) => mirrorFeaturizer.decode(p, { size: 224, flip: true }))));
    mirrorFeaturizer.dispose();
    const ofMirror = tf.tidy(() => {
      const a = blockRows(mirroredRaw, featurizer.dim, blockByName(featurizer.blocks, `${FROM}.act`));
      const x = applyFeatureTransform(mirroredRaw, featurizer.dim, transform);
      return toEmbeddingSpace(model.predict([tf.tensor4d(a, [paths.length, ...shape] as [number, number, number, number]), tf.tensor2d(x, [paths.length, transformedDim(transform)])]) as tf.Tensor2D, SCALE).dataSync() as Float32Array;
    });
    const expectedMean = meanOfViews([expected, ofMirror], 64, SCALE);
    const mirroredSession = await OnnxSession.create(exportFineTunedPipelineToOnnx({ backbone: keras, spec, transform, head: model, embeddingScale: SCALE, inputSize: 224, from: FROM, mirrored: true }), { threads: 2 });
    const actualMean = await mirroredSession.run(pixels, paths.length, 224, 224);
    await mirroredSession.release();
    let meanDiff = 0;
    for (let i = 0; i < expectedMean.length; i++) meanDiff = Math.max(meanDiff, Math.abs(actualMean[i] - expectedMean[i]));
    console.log(`fine-tuned pipeline, mean with the mirror image: max |onnx − tfjs| = ${meanDiff.toExponential(2)}`);
    expect(meanDiff).toBeLessThan(1e-4);
    model.dispose();
  }, 180_000);
});
