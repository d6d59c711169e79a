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
  /** Histogram over [min, max] (min 0 when absent) in `bins` equal bins. */
  histogram: { min?: number; max: number; counts: number[] };
}

export function summarise(values: Float64Array, max: number, bins = 50, min = 0): DistanceSummary {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length || 1;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)))]++;
  return { mean, std: Math.sqrt(variance / (values.length || 1)), histogram: { ...(min !== 0 ? { min } : {}), max, counts } };
}

/** The pairs and triplets an evaluation scores, drawn once so every score is measured on the same ones. */
export interface EvaluationPairs {
  same: Pair[];
  different: Pair[];
  /** Different-artist pairs whose artists share a style. */
  sameStyle: Pair[];
  triplets: [number, number, number][];
}

/** How alike paintings i and j are; smaller is more alike (a distance, or a normalised one). */
export type PairScore = (i: number, j: number) => number;

export interface ScoreMetrics {
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  bestThreshold: number;
  bestAccuracy: number;
  eerThreshold: number;
  eer: number;
  /** P(same artist | score), fitted on the same and different pairs. */
  calibration: DistanceCalibration | null;
}

export function drawEvaluationPairs(items: readonly LabelledItem[], options: EvaluationOptions = {}): EvaluationPairs {
  const seed = options.seed ?? 0;
  let same = sameArtistPairs(items);
  if (options.maxSamePairs !== undefined && same.length > options.maxSamePairs) {
    same = new Rng(seed).sample(same, options.maxSamePairs);
  }
  return {
    same,
    different: differentArtistPairs(items, same.length, Rng.derive(seed, 1)),
    sameStyle: differentArtistPairs(items, same.length, Rng.derive(seed, 2), true),
    triplets: randomTriplets(items, options.triplets ?? 10_000, Rng.derive(seed, 3)),
  };
}

function scorePairs(pairs: readonly Pair[], score: PairScore): Float64Array {
  const out = new Float64Array(pairs.length);
  pairs.forEach(([i, j], k) => (out[k] = score(i, j)));
  return out;
}

/** Every headline figure of one pair score on the drawn pairs, with the scores themselves. */
export function measureScore(pairs: EvaluationPairs, score: PairScore): ScoreMetrics & { values: { same: Float64Array; different: Float64Array } } {
  const same = scorePairs(pairs.same, score);
  const different = scorePairs(pairs.different, score);
  const sameStyle = scorePairs(pairs.sameStyle, score);
  let correct = 0;
  for (const [a, p, n] of pairs.triplets) if (score(a, p) < score(a, n)) correct++;
  const best = bestAccuracyThreshold(same, different);
  const eer = equalErrorThreshold(same, different);
  return {
    auc: rocAuc(same, different),
    aucSameStyle: sameStyle.length ? rocAuc(same, sameStyle) : null,
    tripletAccuracy: pairs.triplets.length ? correct / pairs.triplets.length : Number.NaN,
    bestThreshold: best.threshold,
    bestAccuracy: best.accuracy,
    eerThreshold: eer.threshold,
    eer: eer.eer,
    calibration: same.length && different.length ? fitDistanceCalibration(same, different) : null,
    values: { same, different },
  };
}

export function evaluateEmbeddings(
  embeddings: Float32Array,
  dim: number,
  items: readonly LabelledItem[],
  options: EvaluationOptions = {},
  pairs: EvaluationPairs = drawEvaluationPairs(items, options),
): EvaluationResult {
  if (embeddings.length !== items.length * dim) {
    throw new RangeError(`embeddings hold ${embeddings.length / dim} rows for ${items.length} items`);
  }
  const m = measureScore(pairs, (i, j) => rowDistance(embeddings, dim, i, j));
  const dSame = m.values.same;
  const dDiff = m.values.different;
  let maxDistance = 10;
  for (const v of dDiff) if (v > maxDistance) maxDistance = v;
  for (const v of dSame) if (v > maxDistance) maxDistance = v;

  return {
    auc: m.auc,
    aucSameStyle: m.aucSameStyle,
    tripletAccuracy: m.tripletAccuracy,
    threshold: m.bestThreshold,
    bestThreshold: m.bestThreshold,
    bestAccuracy: m.bestAccuracy,
    eerThreshold: m.eerThreshold,
    eer: m.eer,
    pairs: { same: pairs.same.length, different: pairs.different.length, sameStyleDifferent: pairs.sameStyle.length },
    triplets: pairs.triplets.length,
    paintings: items.length,
    artists: new Set(items.map((i) => i.artist)).size,
    roc: rocCurve(dSame, dDiff, referenceThresholds()),
    distances: { same: summarise(dSame, maxDistance), different: summarise(dDiff, maxDistance) },
    calibration: m.calibration,
  };
}
