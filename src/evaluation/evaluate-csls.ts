/**
 * The pair figures of the cohort-normalised distance, on the same pairs and triplets as the raw
 * distance: for the served K and variant in full (threshold, calibration, distributions), and for
 * every K of the sweep and both variants as AUC, same-style AUC and triplet accuracy.
 */
import { rowDistance } from '../metrics/distance.js';
import { CSLS_K_SWEEP, CSLS_VARIANTS, cslsDistance, radiiFrom, type CslsParams, type CslsVariant } from '../scoring/csls.js';
import { measureScore, summarise, type DistanceSummary, type EvaluationPairs, type ScoreMetrics } from './evaluate-embeddings.js';

export interface CslsSweepPoint {
  k: number;
  variant: CslsVariant;
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
}

export interface CslsEvaluation extends ScoreMetrics {
  params: CslsParams;
  /** Training paintings the radii are measured against. */
  cohortPaintings: number;
  distances: { same: DistanceSummary; different: DistanceSummary };
  sweep: CslsSweepPoint[];
}

/**
 * `cohortDistances` holds, per evaluated painting, its distances to the nearest cohort paintings
 * in ascending order (`stride` per painting, at least the largest K measured).
 */
export function evaluateCsls(
  embeddings: Float32Array,
  dim: number,
  pairs: EvaluationPairs,
  cohortDistances: Float32Array,
  stride: number,
  params: CslsParams,
  cohortPaintings: number,
): CslsEvaluation {
  const raw = (i: number, j: number) => rowDistance(embeddings, dim, i, j);
  // Pair distances are computed once and looked up for every K and variant.
  const cache = new Map<number, number>();
  const n = embeddings.length / dim;
  const d = (i: number, j: number) => {
    const key = i < j ? i * n + j : j * n + i;
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = raw(i, j)));
    return v;
  };
  const scorer = (k: number, variant: CslsVariant) => {
    const r = radiiFrom(cohortDistances, stride, Math.min(k, stride));
    return (i: number, j: number) => cslsDistance(d(i, j), r[i], r[j], variant);
  };
  const sweep: CslsSweepPoint[] = [];
  for (const variant of CSLS_VARIANTS) {
    for (const k of CSLS_K_SWEEP) {
      if (k > stride) continue;
      const m = measureScore(pairs, scorer(k, variant));
      sweep.push({ k, variant, auc: m.auc, aucSameStyle: m.aucSameStyle, tripletAccuracy: m.tripletAccuracy });
    }
  }
  const { values, ...chosen } = measureScore(pairs, scorer(params.k, params.variant));
  let lo = Infinity;
  let hi = -Infinity;
  for (const set of [values.same, values.different]) {
    for (const v of set) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return {
    ...chosen,
    params,
    cohortPaintings,
    distances: { same: summarise(values.same, hi, 50, lo), different: summarise(values.different, hi, 50, lo) },
    sweep,
  };
}
