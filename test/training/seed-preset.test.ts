/**
 * The reference network is meant for a GPU, but it must build and train here too: one triplet
 * step at the full 256 px on the wasm backend with the registered gradient kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { buildCnn } from '../../src/encoders/architectures.js';
import { toEmbeddingSpace } from '../../src/encoders/embedding-space.js';
import { PRESETS } from '../../src/encoders/presets.js';
import { tripletLoss } from '../../training/losses.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('seed preset', () => {
  it('is the reference architecture: 256 px in, 5 conv blocks with max-pools, 2048-d out', () => {
    const p = PRESETS.seed;
    const model = buildCnn({ inputSize: p.inputSize, blocks: p.blocks!, seed: 1 });
    expect(model.inputs[0].shape).toEqual([null, 256, 256, 3]);
    expect(model.outputs[0].shape).toEqual([null, 2048]);
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
    const pools = model.layers.filter((l) => l.getClassName() === 'MaxPooling2D');
    const norms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(pools).toHaveLength(5);
    expect(convs).toHaveLength(13);
    expect(norms).toHaveLength(13);
    for (const b of p.blocks!) expect(b.convs === 2 || b.convs === 3).toBe(true);
    model.dispose();
  });

  // The full 256 px step runs in `npx tsx bench/seed-step.ts` (its activations outgrow the wasm
  // heap, so it uses the JS backend and takes minutes); here the same layers train at 64 px.
  it('runs a training step with every layer of the reference network and changes its weights', async () => {
    const p = PRESETS.seed;
    const model = buildCnn({ inputSize: 64, blocks: p.blocks!, seed: 1 });
    const x = tf.randomUniform([3, 64, 64, 3], 0, 1, 'float32', 7);
    const before = model.getLayer('block1_conv1').getWeights()[0].dataSync().slice();
    const optimizer = tf.train.adam(1e-3);
    const cost = optimizer.minimize(() => {
      const e = toEmbeddingSpace(model.apply(x, { training: true }) as tf.Tensor2D, 5);
      const [a, pos, n] = tf.split(e, 3, 0) as tf.Tensor2D[];
      return tripletLoss(a, pos, n, 2);
    }, true);
    const loss = (await cost!.data())[0];
    expect(Number.isFinite(loss)).toBe(true);
    const after = model.getLayer('block1_conv1').getWeights()[0].dataSync();
    let changed = 0;
    for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) changed++;
    expect(changed).toBeGreaterThan(after.length / 2);
    tf.dispose([x, cost!]);
    optimizer.dispose();
    model.dispose();
  });
});
