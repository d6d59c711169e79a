import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHead } from '../../src/encoders/architectures.js';
import { evaluateEmbeddings } from '../../src/evaluation/evaluate-embeddings.js';
import { Rng } from '../../src/util/random.js';
import { resolveTrainingConfig } from '../../training/config.js';
import { FeatureSource } from '../../training/inputs/feature-source.js';
import { embedItems, trainEncoder } from '../../training/trainer.js';

/** Artists as noisy clusters in a 32-d feature space where most dimensions are distractors. */
function clusteredFeatures(artists: number, perArtist: number, seed: number) {
  const dim = 32;
  const rng = new Rng(seed);
  const centres = Array.from({ length: artists }, () => Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
  const n = artists * perArtist;
  const views = [new Float32Array(n * dim), new Float32Array(n * dim)];
  const artistIds: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(i / perArtist);
    artistIds.push(a);
    for (const v of views) {
      for (let k = 0; k < dim; k++) {
        // Signal in 4 dimensions, loud noise in the rest.
        v[i * dim + k] = k < 4 ? centres[a][k] + rng.uniform(-0.25, 0.25) : rng.uniform(-2, 2);
      }
    }
  }
  return { views, dim, artistIds };
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'painter-train-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(epochs: number) {
  const data = clusteredFeatures(24, 8, 1);
  const source = new FeatureSource(data.views, data.dim);
  const all = data.artistIds.map((_, i) => i);
  // Artists 0–17 train, 18–23 held out entirely.
  const train = all.filter((i) => data.artistIds[i] < 18);
  const test = all.filter((i) => data.artistIds[i] >= 18);
  const { config } = resolveTrainingConfig({
    preset: 'pretrained',
    // Pinned so that tuning the preset's defaults does not change what this test measures.
    mining: 'batch-all',
    augment: true,
    epochs,
    batchSize: 32,
    stepsPerEpoch: 30,
    lr: 1e-2,
    milestones: [3],
    seed: 7,
  });
  const model = buildHead({ inputDim: data.dim, hidden: [], embeddingDim: 16, seed: config.seed });
  const testItems = test.map((i) => ({ artist: String(data.artistIds[i]) }));
  return { data, source, train, test, config, model, testItems };
}

describe('trainEncoder', () => {
  it('learns an embedding that separates unseen artists', async () => {
    const s = setup(4);
    const before = evaluateEmbeddings(embedItems(s.model, s.source, s.test, 5), 16, s.testItems, { seed: 1 }).auc;
    const epochs: number[] = [];
    const result = await trainEncoder({
      model: s.model,
      config: s.config,
      inputs: s.source,
      train: { indices: s.train, artistIds: s.train.map((i) => s.data.artistIds[i]) },
      checkpointDir: join(tmp(), 'checkpoint'),
      onEpoch: (m) => void epochs.push(m.epoch),
    });
    const after = evaluateEmbeddings(embedItems(s.model, s.source, s.test, 5), 16, s.testItems, { seed: 1 }).auc;
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(result.history[3].learningRate).toBeCloseTo(1e-3, 10);
    expect(result.history[3].trainLoss).toBeLessThan(result.history[0].trainLoss);
    expect(before).toBeLessThan(0.75);
    expect(after).toBeGreaterThan(0.9);
    expect(after - before).toBeGreaterThan(0.2);
  });

  it('resumed after an interruption, ends with exactly the weights of an uninterrupted run', async () => {
    const full = setup(4);
    await trainEncoder({
      model: full.model,
      config: full.config,
      inputs: full.source,
      train: { indices: full.train, artistIds: full.train.map((i) => full.data.artistIds[i]) },
      checkpointDir: join(tmp(), 'checkpoint'),
    });

    const dir = join(tmp(), 'checkpoint');
    const first = setup(4);
    let epochsRun = 0;
    await trainEncoder({
      model: first.model,
      config: first.config,
      inputs: first.source,
      train: { indices: first.train, artistIds: first.train.map((i) => first.data.artistIds[i]) },
      checkpointDir: dir,
      onEpoch: () => void epochsRun++,
      shouldStop: () => epochsRun >= 2, // interrupted after two epochs
    });
    const second = setup(4); // a fresh process would rebuild the model from scratch
    const resumed = await trainEncoder({
      model: second.model,
      config: second.config,
      inputs: second.source,
      train: { indices: second.train, artistIds: second.train.map((i) => second.data.artistIds[i]) },
      checkpointDir: dir,
      resume: true,
    });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const a = full.model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = second.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });
});
