import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildCnn, buildHead } from '../../src/encoders/architectures.js';
import { toEmbeddingSpace } from '../../src/encoders/embedding-space.js';
import { loadLayersModel, saveLayersModel } from '../../src/encoders/model-files.js';
import { exportToOnnx } from '../../src/onnx/export-encoder.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';

const SCALE = 5;

/** Gives every BatchNorm non-trivial statistics so folding is really exercised (gamma and beta only where the layer has them). */
function randomiseBatchNorms(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const c = layer.getConfig() as { scale?: boolean; center?: boolean };
    const kinds = [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta']), 'mean', 'variance'];
    const ranges: Record<string, [number, number]> = { gamma: [0.5, 1.5], beta: [-0.5, 0.5], mean: [-0.5, 0.5], variance: [0.2, 2.0] };
    const values = layer.getWeights().map((w, i) => tf.randomUniform(w.shape, ...ranges[kinds[i]], 'float32', s++));
    layer.setWeights(values);
    tf.dispose(values);
  }
}

async function expectParity(model: tf.LayersModel, inputShape: number[], seed: number): Promise<void> {
  const bytes = exportToOnnx(model, { embeddingScale: SCALE });
  const session = await OnnxSession.create(bytes, { threads: 1 });
  const x = tf.randomNormal(inputShape, 0, 1, 'float32', seed);
  const expected = tf.tidy(() => toEmbeddingSpace(model.predict(x) as tf.Tensor2D, SCALE));
  const input = x.dataSync() as Float32Array;
  const actual = await session.runShaped(Float32Array.from(input), inputShape);
  const want = expected.dataSync();
  expect(actual.length).toBe(want.length);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i] - want[i]));
  expect(maxDiff).toBeLessThan(1e-4);
  // The output really is on the sphere of radius SCALE.
  const dim = want.length / inputShape[0];
  const norm = Math.hypot(...Array.from(actual.subarray(0, dim)));
  expect(norm).toBeCloseTo(SCALE, 4);
  tf.dispose([x, expected]);
  await session.release();
}

describe('exportToOnnx', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches tfjs on a CNN with folded BatchNorms', async () => {
    const model = buildCnn({ inputSize: 32, blocks: [{ convs: 2, filters: 8 }, { convs: 1, filters: 16 }, { convs: 1, filters: 12 }], embeddingDim: 64, seed: 7 });
    randomiseBatchNorms(model, 11);
    await expectParity(model, [3, 32, 32, 3], 3);
    model.dispose();
  });

  it('runs image batches through OnnxSession.run with a dynamic batch size', async () => {
    const model = buildCnn({ inputSize: 16, blocks: [{ convs: 1, filters: 4 }], embeddingDim: 8, seed: 1 });
    randomiseBatchNorms(model, 2);
    const session = await OnnxSession.create(exportToOnnx(model, { embeddingScale: SCALE, inputName: 'image' }));
    expect(session.inputName).toBe('image');
    expect(session.outputName).toBe('embedding');
    for (const n of [1, 5]) {
      const out = await session.run(new Float32Array(n * 16 * 16 * 3).fill(0.25), n, 16, 16);
      expect(out.length).toBe(n * 8);
    }
    await session.release();
    model.dispose();
  });

  it('exports a model reloaded from disk and runs it from an .onnx file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-export-'));
    try {
      const built = buildCnn({ inputSize: 16, blocks: [{ convs: 2, filters: 6 }], embeddingDim: 12, seed: 4 });
      randomiseBatchNorms(built, 5);
      await saveLayersModel(built, dir);
      built.dispose();
      const model = await loadLayersModel(dir);
      await expectParity(model, [3, 16, 16, 3], 6);
      const file = join(dir, 'encoder.onnx');
      await writeFile(file, exportToOnnx(model, { embeddingScale: SCALE }));
      const session = await OnnxSession.create(file);
      expect((await session.run(new Float32Array(2 * 16 * 16 * 3), 2, 16, 16)).length).toBe(24);
      await session.release();
      model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('matches tfjs on a head with hidden layers', async () => {
    const model = buildHead({ inputDim: 40, hidden: [32, 24], embeddingDim: 16, seed: 5 });
    await expectParity(model, [3, 40], 9);
    model.dispose();
  });

  it('matches tfjs on a linear head', async () => {
    const model = buildHead({ inputDim: 20, hidden: [], embeddingDim: 10, seed: 2 });
    await expectParity(model, [3, 20], 4);
    model.dispose();
  });

  it('matches tfjs with Flatten, unfolded BatchNorm, strided pooling and activations', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 11, 3], filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu', useBias: true }),
        tf.layers.batchNormalization({ epsilon: 0.01 }), // after a ReLU: cannot fold
        tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
        tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
        tf.layers.activation({ activation: 'tanh' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 12, useBias: false }),
        tf.layers.batchNormalization(), // folded into the Dense
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.dense({ units: 6, activation: 'sigmoid' }),
      ],
    });
    randomiseBatchNorms(model, 21);
    await expectParity(model, [3, 9, 11, 3], 8);
    model.dispose();
  });

  it('exports the raw output when the scale is 0', async () => {
    const model = buildHead({ inputDim: 6, hidden: [], embeddingDim: 4, seed: 3 });
    const session = await OnnxSession.create(exportToOnnx(model, { embeddingScale: 0 }));
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 1);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const got = await session.runShaped(Float32Array.from(x.dataSync()), [2, 6]);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    x.dispose();
    await session.release();
    model.dispose();
  });

  it('refuses an unsupported layer, naming it', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c1' }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.upSampling2d({ size: [2, 2], name: 'grow' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    expect(() => exportToOnnx(model, { embeddingScale: SCALE })).toThrow(/layer "grow" \(UpSampling2D\).*not supported/);
    model.dispose();
  });

  it('matches tfjs on a branching MobileNetV2-style block: padding, depthwise conv, ReLU6, residual Add', async () => {
    const input = tf.input({ shape: [17, 17, 3] });
    let x = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
    const trunk = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
    let y = tf.layers.conv2d({ filters: 16, kernelSize: 1, padding: 'same', useBias: false }).apply(trunk) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({}).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthMultiplier: 2 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({}).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ filters: 8, kernelSize: 1, padding: 'same' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({}).apply(y) as tf.SymbolicTensor;
    const merged = tf.layers.add({}).apply([trunk, y]) as tf.SymbolicTensor;
    let z = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu6' }).apply(merged) as tf.SymbolicTensor;
    z = tf.layers.globalAveragePooling2d({}).apply(z) as tf.SymbolicTensor;
    z = tf.layers.dense({ units: 10 }).apply(z) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: z });
    randomiseBatchNorms(model, 5);
    await expectParity(model, [2, 17, 17, 3], 9);
    model.dispose();
  });

  it('matches tfjs on an InceptionV3-style block: BatchNorm without scale, ReLU activations, same-padded average pooling, channel concatenation', async () => {
    const input = tf.input({ shape: [15, 15, 3] });
    const convBn = (x: tf.SymbolicTensor, filters: number, kernelSize: number | [number, number], strides = 1, padding: 'same' | 'valid' = 'same') => {
      let y = tf.layers.conv2d({ filters, kernelSize, strides, padding, useBias: false }).apply(x) as tf.SymbolicTensor;
      y = tf.layers.batchNormalization({ axis: 3, scale: false, epsilon: 1e-3 }).apply(y) as tf.SymbolicTensor;
      return tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
    };
    const stem = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(convBn(input, 6, 3, 1, 'valid')) as tf.SymbolicTensor; // 13 → 6
    const b1 = convBn(stem, 4, 1);
    const b3 = convBn(convBn(stem, 3, 1), 5, [1, 3]);
    // TF averages the valid pixels only at 'same' borders (ONNX count_include_pad = 0).
    const pool = convBn(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(stem) as tf.SymbolicTensor, 2, 1);
    const mixed = tf.layers.concatenate({ axis: 3 }).apply([b1, b3, pool]) as tf.SymbolicTensor;
    const reduced = tf.layers.concatenate({ axis: -1 }).apply([
      convBn(mixed, 4, 3, 2, 'valid'),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(mixed) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 7 }).apply(tf.layers.globalAveragePooling2d({}).apply(reduced)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    randomiseBatchNorms(model, 13);
    await expectParity(model, [2, 15, 15, 3], 10);
    model.dispose();
  });

  it('matches tfjs on a Concatenate of dense features', async () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 5, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({}).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 6 }).apply(joined) as tf.SymbolicTensor });
    await expectParity(model, [3, 4], 2);
    model.dispose();
  });

  it('refuses merges other than Add and Concatenate, and concatenation along the batch axis', () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const product = tf.layers.multiply({ name: 'merge' }).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: product });
    expect(() => exportToOnnx(model, { embeddingScale: SCALE })).toThrow(/layer "merge".*2 inputs/);
    model.dispose();
    const image = tf.input({ shape: [4, 4, 2] });
    const stacked = tf.layers.concatenate({ axis: 0, name: 'stack' }).apply([image, image]) as tf.SymbolicTensor;
    const bad = tf.model({ inputs: image, outputs: tf.layers.globalAveragePooling2d({}).apply(stacked) as tf.SymbolicTensor });
    expect(() => exportToOnnx(bad, { embeddingScale: SCALE })).toThrow(/layer "stack".*axis 0/);
    bad.dispose();
  });
});
