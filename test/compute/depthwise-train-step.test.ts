import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { Rng } from '../../src/util/random.js';

const BATCH = 4;
const CLASSES = 3;

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A depthwise layer alone, then a dense head: the smallest model that trains a depthwise kernel. */
function depthwiseModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.depthwiseConv2d({ inputShape: [9, 9, 4], kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: init(seed) }),
  );
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(seed + 1) }));
  return model;
}

/**
 * MobileNetV2's inverted-residual blocks: 1×1 expand + BN + ReLU6, 3×3 depthwise + BN + ReLU6,
 * 1×1 project + BN; a stride-1 block with its residual add, then a stride-2 block with the
 * explicit ZeroPadding2D before its 'valid' depthwise convolution, as in Keras.
 */
function invertedResidualModel(seed: number): tf.LayersModel {
  let k = seed;
  const conv1x1 = (filters: number) => tf.layers.conv2d({ filters, kernelSize: 1, useBias: false, kernelInitializer: init(k++) });
  const bn = () => tf.layers.batchNormalization({ momentum: 0.9 });
  const relu6 = () => tf.layers.reLU({ maxValue: 6 });
  const block = (x: tf.SymbolicTensor, inC: number, outC: number, stride: 1 | 2): tf.SymbolicTensor => {
    let h = relu6().apply(bn().apply(conv1x1(inC * 6).apply(x))) as tf.SymbolicTensor;
    if (stride === 2) {
      h = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(h) as tf.SymbolicTensor;
    }
    const depthwise = tf.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      padding: stride === 2 ? 'valid' : 'same',
      useBias: false,
      depthwiseInitializer: init(k++),
    });
    h = relu6().apply(bn().apply(depthwise.apply(h))) as tf.SymbolicTensor;
    h = bn().apply(conv1x1(outC).apply(h)) as tf.SymbolicTensor;
    return stride === 1 && inC === outC ? (tf.layers.add().apply([x, h]) as tf.SymbolicTensor) : h;
  };
  const input = tf.input({ shape: [10, 10, 8] });
  let h = block(input, 8, 8, 1);
  h = block(h, 8, 12, 2);
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(k++) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function batch(shape: number[], seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, BATCH);
  const x = tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), [BATCH, ...shape]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32'), CLASSES);
  return { x, y };
}

function gradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Record<string, Float32Array> {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
    return Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  });
}

async function expectSameGradientsAsCpu(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<string[]> {
  const onWasm = gradients(model, x, y);
  await tf.setBackend('cpu');
  const onCpu = gradients(model, x, y);
  await tf.setBackend('wasm');
  const names = Object.keys(onCpu);
  expect(Object.keys(onWasm).sort()).toEqual([...names].sort());
  for (const name of names) {
    const ref = onCpu[name];
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale, name).toBeGreaterThan(0);
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(onWasm[name][i] - ref[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-3));
    }
  }
  return names;
}

/** One optimizer step on wasm; returns the depthwise kernels before and after. */
async function trainStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<{ before: Float32Array[]; after: Float32Array[] }> {
  const kernels = model.layers.filter((l) => l.getClassName() === 'DepthwiseConv2D').map((l) => l.getWeights()[0]);
  expect(kernels.length).toBeGreaterThan(0);
  const before = kernels.map((w) => w.dataSync().slice() as Float32Array);
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const loss = (await model.trainOnBatch(x, y)) as number;
  expect(Number.isFinite(loss)).toBe(true);
  const after = model.layers
    .filter((l) => l.getClassName() === 'DepthwiseConv2D')
    .map((l) => l.getWeights()[0].dataSync().slice() as Float32Array);
  return { before, after };
}

const changedShare = (a: Float32Array, b: Float32Array): number => a.filter((v, i) => v !== b[i]).length / a.length;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training depthwise convolutions on wasm', () => {
  it('tf.layers.depthwiseConv2d: the same weight gradients as on the cpu backend, and a step changes the kernel', async () => {
    const model = depthwiseModel(1);
    const { x, y } = batch([9, 9, 4], 2);
    const names = await expectSameGradientsAsCpu(model, x, y);
    // Depthwise kernel and bias, dense kernel and bias.
    expect(names.length).toBe(4);
    const { before, after } = await trainStep(model, x, y);
    expect(changedShare(before[0], after[0])).toBeGreaterThan(0.9);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('inverted-residual blocks (expand, ZeroPadding2D + stride-2 depthwise, project, residual add): the same weight gradients as on the cpu backend', async () => {
    const model = invertedResidualModel(10);
    const { x, y } = batch([10, 10, 8], 3);
    const names = await expectSameGradientsAsCpu(model, x, y);
    // Per block: 3 convolution kernels, 3 BN gammas and betas; then the dense kernel and bias.
    expect(names.length).toBe(2 * 9 + 2);
    expect(names.filter((n) => n.includes('depthwise')).length).toBe(2);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('inverted-residual blocks: a training step changes both depthwise kernels, without leaking tensors', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = invertedResidualModel(20);
    const { x, y } = batch([10, 10, 8], 4);
    const { before, after } = await trainStep(model, x, y);
    for (let i = 0; i < before.length; i++) expect(changedShare(before[i], after[i]), `depthwise kernel ${i}`).toBeGreaterThan(0.9);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
    tf.dispose([x, y]);
  });
});
