/**
 * Scores an embedding of labelled paintings the way the reference and the Kaggle metric do.
 * Pure: embeddings in, numbers out; I/O lives in the evaluation service.
 */
import { rowDistance } from '../metrics/distance.js';
import {
  bestAccuracyThreshold,
  equalErrorThreshold,
  referenceThresholds,
  rocAuc,
  rocCurve,
  type RocPoint,
} from '../metrics/roc.js';
import { fitDistanceCalibration, type DistanceCalibration } from '../metrics/calibration.js';
import { Rng } from '../util/random.js';
import { differentArtistPairs, randomTriplets, sameArtistPairs, type LabelledItem, type Pair } from './pairs.js';

export interface EvaluationOptions {
  seed?: number;
  /** Random triplets for the triplet accuracy. */
  triplets?: number;
  /** Cap on same-artist pairs (all are used by default). */
  maxSamePairs?: number;
}

export interface EvaluationResult {
  /** ROC AUC over all same-artist pairs and as many sampled different-artist pairs (Kaggle's metric). */
  auc: number;
  /** AUC where the different-artist pairs share a style; null where styles are unknown. */
  aucSameStyle: number | null;
  /** Fraction of random triplets with d(anchor, positive) < d(anchor, negative). */
  tripletAccuracy: number;
  /** The decision threshold the server uses (best accuracy on these pairs). */
  threshold: number;
  bestThreshold: number;
  bestAccuracy: number;
  eerThreshold: number;
  eer: number;
  pairs: { same: number; different: number; sameStyleDifferent: number };
  triplets: number;
  paintings: number;
  artists: number;
  roc: RocPoint[];
  /** Distance distributions, for plotting and for calibrating confidences. */
  distances: { same: DistanceSummary; different: DistanceSummary };
  /** P(same artist | distance) fitted on these pairs: the server's confidence for a verification. */
  calibration: DistanceCalibration | null;
}

export interface DistanceSummary {
  mean: number;
  std: number;
  /** Histogram over [0, max] in `bins` equal bins. */
  histogram: { max: number; counts: number[] };
}

function summarise(values: Float64Array, max: number, bins = 50): DistanceSummary {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length || 1;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v / max) * bins)))]++;
  return { mean, std: Math.sqrt(variance / (values.length || 1)), histogram: { max, counts } };
}

function pairDistances(data: Float32Array, dim: number, pairs: Pair[]): Float64Array {
  const out = new Float64Array(pairs.length);
  pairs.forEach(([i, j], k) => (out[k] = rowDistance(data, dim, i, j)));
  return out;
}

export function evaluateEmbeddings(
  embeddings: Float32Array,
  dim: number,
  items: readonly LabelledItem[],
  options: EvaluationOptions = {},
): EvaluationResult {
  if (embeddings.length !== items.length * dim) {
    throw new RangeError(`embeddings hold ${embeddings.length / dim} rows for ${items.length} items`);
  }
  const seed = options.seed ?? 0;
  let same = sameArtistPairs(items);
  if (options.maxSamePairs !== undefined && same.length > options.maxSamePairs) {
    same = new Rng(seed).sample(same, options.maxSamePairs);
  }
  const different = differentArtistPairs(items, same.length, Rng.derive(seed, 1));
  const sameStyle = differentArtistPairs(items, same.length, Rng.derive(seed, 2), true);

  const dSame = pairDistances(embeddings, dim, same);
  const dDiff = pairDistances(embeddings, dim, different);
  const dSameStyle = pairDistances(embeddings, dim, sameStyle);

  const triplets = randomTriplets(items, options.triplets ?? 10_000, Rng.derive(seed, 3));
  let correct = 0;
  for (const [a, p, n] of triplets) {
    if (rowDistance(embeddings, dim, a, p) < rowDistance(embeddings, dim, a, n)) correct++;
  }

  const best = bestAccuracyThreshold(dSame, dDiff);
  const eer = equalErrorThreshold(dSame, dDiff);
  let maxDistance = 10;
  for (const v of dDiff) if (v > maxDistance) maxDistance = v;
  for (const v of dSame) if (v > maxDistance) maxDistance = v;

  return {
    auc: rocAuc(dSame, dDiff),
    aucSameStyle: dSameStyle.length ? rocAuc(dSame, dSameStyle) : null,
    tripletAccuracy: triplets.length ? correct / triplets.length : Number.NaN,
    threshold: best.threshold,
    bestThreshold: best.threshold,
    bestAccuracy: best.accuracy,
    eerThreshold: eer.threshold,
    eer: eer.eer,
    pairs: { same: same.length, different: different.length, sameStyleDifferent: sameStyle.length },
    triplets: triplets.length,
    paintings: items.length,
    artists: new Set(items.map((i) => i.artist)).size,
    roc: rocCurve(dSame, dDiff, referenceThresholds()),
    distances: { same: summarise(dSame, maxDistance), different: summarise(dDiff, maxDistance) },
    calibration: dSame.length && dDiff.length ? fitDistanceCalibration(dSame, dDiff) : null,
  };
}
