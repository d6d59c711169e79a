/**
 * The training loop: Adam with a MultiStepLR schedule, one of the metric losses over batches chosen
 * by the sampler, validation on held-out paintings after every epoch, a checkpoint after every
 * epoch, and the best-validation weights kept as the result. Every random draw of epoch e comes
 * from Rng.derive(seed, e), so a run resumed from its checkpoint reproduces the uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';
import { toEmbeddingSpace } from '../src/encoders/embedding-space.js';
import { evaluateEmbeddings } from '../src/evaluation/evaluate-embeddings.js';
import type { LabelledItem } from '../src/evaluation/pairs.js';
import { Rng } from '../src/util/random.js';
import { BatchSampler, type StepBatch } from './batch-sampler.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointState, type EpochMetrics } from './checkpoint.js';
import type { TrainingConfig } from './config.js';
import type { InputSource } from './input-source.js';
import { batchAllTripletLoss, batchHardTripletLoss, contrastiveLoss, tripletLoss } from './losses.js';
import { multiStepLr } from './lr-schedule.js';
import { GroupedAdam } from './optimizer-groups.js';

export interface StepProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  imagesPerSecond: number;
}

export interface TrainRunOptions {
  model: tf.LayersModel;
  config: TrainingConfig;
  inputs: InputSource;
  /** Source indices of the training paintings and their artist ids. */
  train: { indices: number[]; artistIds: number[] };
  /** Held-out paintings of the training artists, scored after every epoch. */
  validation?: { indices: number[]; items: LabelledItem[] };
  checkpointDir: string;
  resume?: boolean;
  onStep?(p: StepProgress): void;
  onEpoch?(m: EpochMetrics): void | Promise<void>;
  /** Called before each epoch; throwing (e.g. on a signal) stops the run after the last checkpoint. */
  shouldStop?(): boolean;
  /** Weights (by name) that learn at `lrScale` × the schedule's rate, e.g. pretrained layers being fine-tuned. */
  slowWeights?: { names: ReadonlySet<string>; lrScale: number };
}

export interface TrainRunResult {
  history: EpochMetrics[];
  bestEpoch: number;
  bestAuc: number;
  resumedFrom: number;
  stoppedEarly: boolean;
}

const EMBED_BATCH = 64;

/** Embeds items in evaluation mode (BatchNorm uses its moving statistics), in batches. */
export function embedItems(model: tf.LayersModel, inputs: InputSource, indices: readonly number[], scale: number): Float32Array {
  const dim = (model.outputs[0].shape[1] as number) ?? 0;
  const out = new Float32Array(indices.length * dim);
  for (let start = 0; start < indices.length; start += EMBED_BATCH) {
    const chunk = indices.slice(start, start + EMBED_BATCH);
    const emb = tf.tidy(() => {
      const x = inputs.tensor(chunk);
      return toEmbeddingSpace(model.predict(x) as tf.Tensor2D, scale);
    });
    out.set(emb.dataSync() as Float32Array, start * dim);
    emb.dispose();
  }
  return out;
}

function stepLoss(model: tf.LayersModel, config: TrainingConfig, batch: StepBatch, x: tf.Tensor | tf.Tensor[]): tf.Scalar {
  const raw = model.apply(x, { training: true }) as tf.Tensor2D;
  const e = toEmbeddingSpace(raw, config.embeddingScale);
  if (batch.kind === 'triplets') {
    const [a, p, n] = tf.split(e, 3, 0) as tf.Tensor2D[];
    return tripletLoss(a, p, n, config.margin);
  }
  if (batch.kind === 'pairs') {
    const [a, b] = tf.split(e, 2, 0) as tf.Tensor2D[];
    return contrastiveLoss(a, b, tf.tensor1d(batch.labels), config.margin);
  }
  return config.mining === 'batch-hard'
    ? batchHardTripletLoss(e, batch.labels, config.margin)
    : batchAllTripletLoss(e, batch.labels, config.margin);
}

function drawBatch(sampler: BatchSampler, config: TrainingConfig, rng: Rng): StepBatch {
  if (config.loss === 'contrastive') return sampler.pairs(Math.floor(config.batchSize / 2), rng);
  if (config.mining === 'random') return sampler.triplets(Math.floor(config.batchSize / 3), rng);
  return sampler.pk(Math.floor(config.batchSize / config.paintingsPerArtist), config.paintingsPerArtist, rng);
}

export async function trainEncoder(opts: TrainRunOptions): Promise<TrainRunResult> {
  const { model, config, inputs } = opts;
  const sampler = new BatchSampler(opts.train.artistIds);
  // Explicit variable lists fix the order Adam's moments are stored in, so they restore exactly.
  const weights = model.trainableWeights;
  const slow = opts.slowWeights;
  const isSlow = (name: string) => slow?.names.has(name) ?? false;
  const groups = [
    { lrScale: 1, variables: weights.filter((w) => !isSlow(w.name)).map((w) => w.read() as tf.Variable) },
    ...(slow && weights.some((w) => isSlow(w.name)) ? [{ lrScale: slow.lrScale, variables: weights.filter((w) => isSlow(w.name)).map((w) => w.read() as tf.Variable) }] : []),
  ];
  const optimizer = new GroupedAdam(groups, config.lr);
  const stepsPerEpoch = config.stepsPerEpoch || Math.max(1, Math.ceil(opts.train.indices.length / config.batchSize));

  let state: CheckpointState = { epochsDone: 0, history: [], bestEpoch: -1, bestAuc: -Infinity, accBeta1: 0.9, accBeta2: 0.999, iterations: 0 };
  let bestWeights: tf.Tensor[] = model.getWeights().map((w) => w.clone());

  if (opts.resume && hasCheckpoint(opts.checkpointDir)) {
    const cp = await loadCheckpoint(opts.checkpointDir);
    model.setWeights(cp.weights);
    tf.dispose(cp.weights);
    tf.dispose(bestWeights);
    bestWeights = cp.bestWeights;
    if (cp.optimizer.length > 1) await optimizer.setWeights(cp.optimizer);
    optimizer.restoreBiasCorrection(cp.state.accBeta1, cp.state.accBeta2);
    state = cp.state;
  }
  const resumedFrom = state.epochsDone;
  let stoppedEarly = false;

  for (let epoch = state.epochsDone; epoch < config.epochs; epoch++) {
    if (opts.shouldStop?.()) break;
    const rng = Rng.derive(config.seed, epoch);
    optimizer.learningRate = multiStepLr(config.lr, epoch, config.milestones, config.gamma);
    const started = performance.now();
    let lossSum = 0;
    let images = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const batch = drawBatch(sampler, config, rng);
      const augmentRng = config.augment ? Rng.derive(config.seed, epoch, step + 1) : undefined;
      const x = inputs.tensor(batch.indices.map((i) => opts.train.indices[i]), augmentRng);
      const cost = optimizer.step(() => stepLoss(model, config, batch, x));
      tf.dispose(x);
      const loss = cost ? (await cost.data())[0] : Number.NaN;
      cost?.dispose();
      if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch + 1}, step ${step + 1} (loss ${loss})`);
      lossSum += loss;
      images += batch.indices.length;
      opts.onStep?.({
        epoch,
        epochs: config.epochs,
        step: step + 1,
        steps: stepsPerEpoch,
        loss: lossSum / (step + 1),
        imagesPerSecond: images / ((performance.now() - started) / 1000),
      });
    }
    const trainSeconds = (performance.now() - started) / 1000;

    let valAuc: number | null = null;
    let valTripletAccuracy: number | null = null;
    if (opts.validation && opts.validation.indices.length > 1) {
      const emb = embedItems(model, inputs, opts.validation.indices, config.embeddingScale);
      const r = evaluateEmbeddings(emb, emb.length / opts.validation.indices.length, opts.validation.items, {
        seed: config.seed,
        triplets: 5000,
      });
      valAuc = Number.isFinite(r.auc) ? r.auc : null;
      valTripletAccuracy = Number.isFinite(r.tripletAccuracy) ? r.tripletAccuracy : null;
    }
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      trainLoss: lossSum / stepsPerEpoch,
      valTripletAccuracy,
      valAuc,
      learningRate: optimizer.learningRate,
      seconds: (performance.now() - started) / 1000,
      imagesPerSecond: images / trainSeconds,
    };
    // Without validation, the latest epoch is the best one.
    const score = valAuc ?? epoch;
    if (score > state.bestAuc) {
      tf.dispose(bestWeights);
      bestWeights = model.getWeights().map((w) => w.clone());
      state.bestAuc = score;
      state.bestEpoch = epoch + 1;
    }
    state = {
      ...state,
      epochsDone: epoch + 1,
      history: [...state.history, metrics],
      ...(await optimizer.biasCorrection()),
      iterations: optimizer.iterations,
    };
    const optimizerWeights = state.iterations > 0 ? await optimizer.getWeights() : [];
    await saveCheckpoint(opts.checkpointDir, { state, weights: model.getWeights(), bestWeights, optimizer: optimizerWeights });
    await opts.onEpoch?.(metrics);
    if (config.patience > 0 && valAuc !== null && epoch + 1 - state.bestEpoch >= config.patience) {
      stoppedEarly = true;
      break;
    }
  }

  model.setWeights(bestWeights);
  tf.dispose(bestWeights);
  optimizer.dispose();
  return { history: state.history, bestEpoch: state.bestEpoch, bestAuc: state.bestAuc, resumedFrom, stoppedEarly };
}
