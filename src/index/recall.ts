/** Recall of approximate neighbours against exact ones, for tests and the parameter benchmark. */
import { checkRows, invalid } from './checks.js';
import { exactSearch } from './exact-search.js';
import type { SearchHit, VectorRows } from './types.js';
import type { VectorIndex } from './vector-index.js';

/** Relative slack for comparing hnswlib's float32 distances with exact float64 ones. */
const DISTANCE_TOLERANCE = 1e-5;

/**
 * Share of the true k nearest found among the first k approximate results. An approximate hit
 * also counts when it is not one of the exact labels but lies no farther than the k-th exact
 * neighbour: with ties either label is a correct answer. Empty truth counts as full recall.
 */
export function recallAtK(approx: readonly SearchHit[], exact: readonly SearchHit[], k = exact.length): number {
  const truth = exact.slice(0, k);
  if (truth.length === 0) return 1;
  const labels = new Set(truth.map((h) => h.label));
  const radius = truth[truth.length - 1].distance * (1 + DISTANCE_TOLERANCE) + DISTANCE_TOLERANCE;
  let found = 0;
  for (const hit of approx.slice(0, k)) if (labels.has(hit.label) || hit.distance <= radius) found++;
  return Math.min(found, truth.length) / truth.length;
}

export interface GroundTruth {
  /** Exact k nearest of each query, in query order. */
  neighbours: SearchHit[][];
  seconds: number;
  queriesPerSecond: number;
}

/** Exact neighbours of each query row (queries: Float32Array of n × dim). */
export function groundTruth(corpus: VectorRows, queries: Float32Array, k: number): GroundTruth {
  checkRows(corpus);
  const count = queries.length / corpus.dim;
  const neighbours: SearchHit[][] = [];
  const started = performance.now();
  for (let q = 0; q < count; q++) neighbours.push(exactSearch(corpus, queries.subarray(q * corpus.dim, (q + 1) * corpus.dim), k));
  const seconds = (performance.now() - started) / 1000;
  return { neighbours, seconds, queriesPerSecond: count / Math.max(seconds, 1e-9) };
}

export interface RecallReport {
  k: number;
  queries: number;
  /** Mean recall@k over the queries. */
  recall: number;
  minRecall: number;
  seconds: number;
  queriesPerSecond: number;
}

/** Searches the index with every query row (at its current ef) and scores it against `truth`. */
export function measureRecall(index: VectorIndex, queries: Float32Array, truth: readonly SearchHit[][], k: number): RecallReport {
  const count = queries.length / index.dim;
  if (!Number.isInteger(count) || count !== truth.length) throw invalid(`${count} query rows but ${truth.length} ground-truth lists`);
  const results: SearchHit[][] = [];
  const started = performance.now();
  for (let q = 0; q < count; q++) results.push(index.search(queries.subarray(q * index.dim, (q + 1) * index.dim), k));
  const seconds = (performance.now() - started) / 1000;
  let sum = 0;
  let min = 1;
  for (let q = 0; q < count; q++) {
    const r = recallAtK(results[q], truth[q], k);
    sum += r;
    min = Math.min(min, r);
  }
  return { k, queries: count, recall: count ? sum / count : 1, minRecall: min, seconds, queriesPerSecond: count / Math.max(seconds, 1e-9) };
}
