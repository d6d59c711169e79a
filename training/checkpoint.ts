/**
 * One checkpoint per training run, replaced atomically after every epoch: the model's weights
 * (incl. BatchNorm statistics), the best weights so far, Adam's moments and bias-correction
 * terms, and the run's history. Resuming from it continues bit-for-bit where the run stopped.
 */
import * as tf from '@tensorflow/tfjs';

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadNamedTensors, saveNamedTensors, type NamedTensor } from '../src/encoders/model-files.js';
import { replaceDirectory, writeJsonAtomic } from '../src/util/files.js';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valTripletAccuracy: number | null;
  valAuc: number | null;
  learningRate: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface CheckpointState {
  /** Epochs completed (the next epoch to run). */
  epochsDone: number;
  history: EpochMetrics[];
  bestEpoch: number;
  bestAuc: number;
  accBeta1: number;
  accBeta2: number;
  iterations: number;
}

export interface Checkpoint {
  state: CheckpointState;
  weights: tf.Tensor[];
  bestWeights: tf.Tensor[];
  optimizer: NamedTensor[];
}

const STATE = 'state.json';

function named(tensors: tf.Tensor[], prefix: string): NamedTensor[] {
  return tensors.map((tensor, i) => ({ name: `${prefix}/${i}`, tensor }));
}

export async function saveCheckpoint(dir: string, cp: Checkpoint): Promise<void> {
  await replaceDirectory(dir, async (tmp) => {
    await saveNamedTensors(named(cp.weights, 'weights'), tmp, 'weights');
    await saveNamedTensors(named(cp.bestWeights, 'best'), tmp, 'best');
    await saveNamedTensors(cp.optimizer, tmp, 'optimizer');
    await writeJsonAtomic(join(tmp, STATE), cp.state);
  });
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, STATE));
}

export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const state = JSON.parse(await readFile(join(dir, STATE), 'utf8')) as CheckpointState;
  const weights = (await loadNamedTensors(dir, 'weights')).map((t) => t.tensor);
  const bestWeights = (await loadNamedTensors(dir, 'best')).map((t) => t.tensor);
  const optimizer = await loadNamedTensors(dir, 'optimizer');
  return { state, weights, bestWeights, optimizer };
}
