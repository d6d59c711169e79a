import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { Rng } from '../../src/util/random.js';

const BATCH = 8;
const SIZE = 16;
const CLASSES = 4;

/** conv + BN + ReLU + max-pool, twice, then a dense softmax head. */
function buildModel(seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [SIZE, SIZE, 3], filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(
    Float32Array.from({ length: BATCH * SIZE * SIZE * 3 }, () => rng.uniform(-1, 1)),
    [BATCH, SIZE, SIZE, 3],
  );
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32'), CLASSES) as tf.Tensor2D;
  return { x, y };
}

function lossFn(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): () => tf.Scalar {
  return () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training a small CNN on wasm', () => {
  it('computes the same weight gradients as the cpu backend', async () => {
    const model = buildModel(1);
    const { x, y } = batch(2);
    const grads = (): Record<string, Float32Array> =>
      tf.tidy(() => {
        const { grads: g } = tf.variableGrads(lossFn(model, x, y));
        return Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v.dataSync() as Float32Array]));
      });
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    await tf.setBackend('wasm');
    const names = Object.keys(onCpu);
    // Two conv kernels and biases, two BN gammas and betas, dense kernel and bias.
    expect(names.length).toBe(10);
    for (const name of names) {
      const ref = onCpu[name];
      const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale, name).toBeGreaterThan(0);
      for (let i = 0; i < ref.length; i++) {
        expect(Math.abs(onWasm[name][i] - ref[i]), name).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-3));
      }
    }
    model.dispose();
    tf.dispose([x, y]);
  });

  it('reduces the loss over a few steps on a fixed batch without leaking tensors', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = buildModel(3);
    const { x, y } = batch(4);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const step = async (): Promise<number> => (await model.trainOnBatch(x, y)) as number;
    const first = await step();
    expect(Number.isFinite(first)).toBe(true);
    // The first step creates optimizer slots; from then on every step must free what it allocates.
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 8; i++) last = await step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first * 0.8);
    model.dispose();
    tf.dispose([x, y]);
  });
});
