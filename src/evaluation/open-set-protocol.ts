/**
 * How well a query's neighbourhood tells "painted by an indexed artist" from "by someone else",
 * measured on held-out artists. Per repeat, half of the query artists (seeded) are removed from
 * the gallery entirely: their paintings are the "unknown" queries. The other half stay, and each
 * of their paintings is queried with its own image left out: the "known" queries. Every
 * open-set feature is computed from the query's nearest gallery paintings exactly as the server
 * computes it, then each candidate score is measured by its detection AUROC and, cross-fitted over
 * two folds of artists (a rule is always judged on artists it was not fitted on), by the accuracy
 * of its calibrated probability at ½, its reliability bins and the coverage of confident verdicts.
 */
import { fitLogistic, logisticLogit, logisticProbability, type LogisticModel } from '../metrics/logistic.js';
import { rocAuc } from '../metrics/roc.js';
import { rankArtists, type Neighbour } from '../search/aggregate-artists.js';
import type { NearestDistances } from '../scoring/nearest-distances.js';
import { OPEN_SET_FEATURES, openSetFeatures, type ArtistSpread, type OpenSetFeature, type OpenSetRule } from '../scoring/open-set.js';
import { Rng } from '../util/random.js';

export interface ProtocolInput {
  /** Every gallery candidate: the rows `nearest` was built over. */
  vectors: Float32Array;
  dim: number;
  /** Artist index of each row. */
  artists: Int32Array;
  /** Cohort radius of each row (null without a cohort). */
  radii: Float32Array | null;
  nearest: NearestDistances;
  /** Rows that are queried; their artists are the ones split into known and unknown. */
  queries: number[];
  seed: number;
  repeats: number;
  /** Neighbours per query, as the server looks at (50). */
  neighbours: number;
  ranking: 'raw' | 'csls';
  onProgress?: (done: number, total: number) => void;
}

/** One row per query and repeat. */
export interface ProtocolRun {
  features: Float64Array;
  known: Uint8Array;
  /** The query's artist: folds are drawn over artists. */
  artist: Int32Array;
  /** For known queries: whether the best-ranked artist is the query's own. */
  top1: Uint8Array;
  rows: number;
}

const F = OPEN_SET_FEATURES.length;

/** Runs the known/unknown protocol and returns the features of every query. */
export async function runOpenSetProtocol(input: ProtocolInput): Promise<ProtocolRun> {
  const { vectors, dim, artists, radii, queries, neighbours } = input;
  const queryArtists = [...new Set(queries.map((q) => artists[q]))].sort((a, b) => a - b);
  const members = new Map<number, number[]>();
  artists.forEach((a, row) => members.set(a, [...(members.get(a) ?? []), row]));
  const intra = intraArtistDistances(vectors, dim, members);
  const fullSpread = new Map<number, ArtistSpread | null>();
  const spreadOf = (artist: number, without: number): ArtistSpread | null => {
    if (without < 0) {
      if (!fullSpread.has(artist)) fullSpread.set(artist, spread(intra.get(artist)!, -1));
      return fullSpread.get(artist)!;
    }
    return spread(intra.get(artist)!, without);
  };
  const pooledStd = pooledSpreadStd(intra);

  const queryVectors = new Float32Array(queries.length * dim);
  queries.forEach((q, i) => queryVectors.set(vectors.subarray(q * dim, (q + 1) * dim), i * dim));
  const total = queries.length * input.repeats;
  const out: ProtocolRun = {
    features: new Float64Array(total * F),
    known: new Uint8Array(total),
    artist: new Int32Array(total),
    top1: new Uint8Array(total),
    rows: total,
  };
  for (let rep = 0; rep < input.repeats; rep++) {
    const shuffled = Rng.derive(input.seed, 17, rep).shuffle(queryArtists.slice());
    const unknown = new Set(shuffled.slice(0, Math.floor(shuffled.length / 2)));
    const removed = new Uint8Array(artists.length);
    artists.forEach((a, row) => (removed[row] = unknown.has(a) ? 1 : 0));
    const found = await input.nearest.kNearest(queryVectors, neighbours, {
      exclude: (i) => queries[i],
      allow: (_i, row) => removed[row] === 0,
      onProgress: (d) => input.onProgress?.(rep * queries.length + d, total),
    });
    queries.forEach((q, i) => {
      const ns: (Neighbour & { radius?: number })[] = [];
      for (let j = 0; j < neighbours; j++) {
        const row = found.indices[i * neighbours + j];
        if (row < 0) break;
        const n: Neighbour & { radius?: number } = { label: row, artistId: artists[row], distance: found.distances[i * neighbours + j] };
        if (radii) {
          n.radius = radii[row];
          if (input.ranking === 'csls') n.score = n.distance - (radii[q] + radii[row]) / 2;
        }
        ns.push(n);
      }
      const ranked = rankArtists(ns);
      const own = artists[q];
      const at = rep * queries.length + i;
      const isKnown = !unknown.has(own);
      out.features.set(
        openSetFeatures(ns, ranked, {
          queryRadius: radii ? radii[q] : null,
          // The query's own painting is not in the gallery, so not in its artist's spread either.
          spread: (artist) => spreadOf(artist, artist === own ? q : -1),
          pooledSpreadStd: pooledStd,
        }),
        at * F,
      );
      out.known[at] = isKnown ? 1 : 0;
      out.artist[at] = own;
      out.top1[at] = isKnown && ranked[0]?.artistId === own ? 1 : 0;
    });
  }
  return out;
}

interface ArtistDistances {
  rows: number[];
  /** rows.length² distances. */
  d: Float64Array;
}

function intraArtistDistances(vectors: Float32Array, dim: number, members: Map<number, number[]>): Map<number, ArtistDistances> {
  const out = new Map<number, ArtistDistances>();
  for (const [artist, rows] of members) {
    const n = rows.length;
    const d = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        let s = 0;
        const pa = rows[a] * dim;
        const pb = rows[b] * dim;
        for (let k = 0; k < dim; k++) {
          const t = vectors[pa + k] - vectors[pb + k];
          s += t * t;
        }
        d[a * n + b] = d[b * n + a] = Math.sqrt(s);
      }
    }
    out.set(artist, { rows, d });
  }
  return out;
}

/** Per-painting spreads (mean distance to the 3 nearest same-artist paintings), leaving out row `without`. */
function perPaintingSpreads(a: ArtistDistances, without: number): number[] {
  const keep = a.rows.map((r, i) => (r === without ? -1 : i)).filter((i) => i >= 0);
  if (keep.length < 2) return [];
  const n = a.rows.length;
  return keep.map((i) => {
    const ds = keep.filter((j) => j !== i).map((j) => a.d[i * n + j]).sort((x, y) => x - y).slice(0, 3);
    return ds.reduce((s, v) => s + v, 0) / ds.length;
  });
}

function spread(a: ArtistDistances, without: number): ArtistSpread | null {
  const per = perPaintingSpreads(a, without);
  return per.length ? { mean: per.reduce((s, v) => s + v, 0) / per.length } : null;
}

function pooledSpreadStd(intra: Map<number, ArtistDistances>): number {
  let sq = 0;
  let count = 0;
  for (const a of intra.values()) {
    const per = perPaintingSpreads(a, -1);
    if (!per.length) continue;
    const m = per.reduce((s, v) => s + v, 0) / per.length;
    for (const v of per) sq += (v - m) ** 2;
    count += per.length;
  }
  return count ? Math.sqrt(sq / count) : 0;
}

// ---- measuring the scores ---------------------------------------------------------------------

export interface ReliabilityBin {
  /** Predicted probability range [lo, hi). */
  lo: number;
  hi: number;
  /** Queries in the bin, and their share under equal weight of known and unknown queries. */
  count: number;
  weight: number;
  meanPredicted: number;
  /** Fraction of known queries, weighted to the equal prior the probabilities are stated for. */
  observed: number;
}

export interface ScoreMeasurement {
  score: OpenSetFeature | 'learned' | 'learned-on-training-artists';
  /** P(score of a known query > score of an unknown one). For learned scores: out of fold. */
  auroc: number;
  /** Balanced accuracy of the cross-fitted calibrated probability at ½. */
  accuracy: number;
  /** Expected calibration error of the cross-fitted probabilities (10 bins, equal prior). */
  ece: number;
}

export interface OpenSetEvaluation {
  protocol: {
    repeats: number;
    queries: { known: number; unknown: number };
    neighbours: number;
    ranking: 'raw' | 'csls';
    folds: number;
    /** Validation queries of training artists the 'learned-on-training-artists' detector was fitted on. */
    trainingArtistQueries: number | null;
  };
  scores: ScoreMeasurement[];
  chosen: ScoreMeasurement['score'];
  rule: OpenSetRule;
  /** Of the chosen score, out of fold. */
  reliability: { bins: ReliabilityBin[]; ece: number };
  /** Confident verdicts of the chosen rule, out of fold, equal prior: how often one is given, and how often it is right. */
  verdicts: { confidence: number; coverage: number; accuracy: number | null };
  /** Known queries whose best-ranked artist is their own (top-1 with half the test artists in the gallery). */
  knownTop1: number;
  /** The same scores asked the narrower question: is the best-ranked artist the painter? */
  bestArtist: {
    /** Share of all queries (known and unknown) whose best artist is their painter. */
    base: number;
    scores: { score: ScoreMeasurement['score']; auroc: number; ece: number }[];
    chosen: ScoreMeasurement['score'];
    reliability: { bins: ReliabilityBin[]; ece: number };
  } | null;
}

export interface MeasureOptions {
  seed: number;
  confidence: number;
  folds?: number;
  /** How the run was made, recorded with the result. */
  repeats: number;
  neighbours: number;
  ranking: 'raw' | 'csls';
}

/** Measures every candidate score of `run` (and a detector fitted on `training`, if given); keeps the best. */
export function measureOpenSet(run: ProtocolRun, training: ProtocolRun | null, options: MeasureOptions): OpenSetEvaluation {
  const folds = options.folds ?? 2;
  const foldOf = artistFolds(run.artist, folds, options.seed);
  const usable = OPEN_SET_FEATURES.filter((_, f) => finiteRows(run, [f]).length > 0);
  const candidates: { score: ScoreMeasurement['score']; features: OpenSetFeature[]; oof: Float64Array; rows: number[]; final: LogisticModel; auroc: number }[] = [];

  for (const name of usable) {
    const f = [OPEN_SET_FEATURES.indexOf(name)];
    const rows = finiteRows(run, f);
    const x = column(run, rows, f);
    const y = rows.map((r) => run.known[r]);
    const oof = crossFit(x, f.length, y, rows.map((r) => foldOf[r]), folds);
    candidates.push({ score: name, features: [name], oof, rows, final: fitLogistic(x, 1, y), auroc: auroc(x, y) });
  }
  const allF = usable.map((n) => OPEN_SET_FEATURES.indexOf(n));
  const allRows = finiteRows(run, allF);
  if (allF.length > 1 && allRows.length > 0) {
    const x = column(run, allRows, allF);
    const y = allRows.map((r) => run.known[r]);
    const oof = crossFit(x, allF.length, y, allRows.map((r) => foldOf[r]), folds);
    candidates.push({ score: 'learned', features: [...usable], oof, rows: allRows, final: fitLogistic(x, allF.length, y), auroc: aurocOf(oof, y) });
    const trainRows = training ? finiteRows(training, allF) : [];
    if (training && trainRows.length > 0 && new Set(trainRows.map((r) => training.known[r])).size === 2) {
      const trained = fitLogistic(column(training, trainRows, allF), allF.length, trainRows.map((r) => training.known[r]));
      // The training artists' detector, recalibrated (one slope and intercept on its log-odds) on held-out folds.
      const logit = Float64Array.from(allRows, (r) => logisticLogit(trained, allF.map((f) => run.features[r * F + f])));
      const oofT = crossFit(logit, 1, y, allRows.map((r) => foldOf[r]), folds);
      const platt = fitLogistic(logit, 1, y);
      candidates.push({ score: 'learned-on-training-artists', features: [...usable], oof: oofT, rows: allRows, final: compose(trained, platt), auroc: aurocOf(logit, y) });
    }
  }

  const scores: ScoreMeasurement[] = candidates.map((c) => {
    const y = c.rows.map((r) => run.known[r]);
    const rel = reliability(c.oof, y);
    return { score: c.score, auroc: c.auroc, accuracy: balancedAccuracy(c.oof, y, 0.5), ece: rel.ece };
  });
  const best = candidates.reduce((a, b) => (b.auroc > a.auroc ? b : a));
  const y = best.rows.map((r) => run.known[r]);
  const { confidence } = options;
  const confident = best.rows.map((_, i) => best.oof[i] >= confidence || best.oof[i] <= 1 - confidence);
  const w = classWeights(y);
  let covered = 0;
  let right = 0;
  best.rows.forEach((_, i) => {
    if (!confident[i]) return;
    covered += w[i];
    if ((best.oof[i] >= 0.5 ? 1 : 0) === y[i]) right += w[i];
  });
  const bestArtist = measureBestArtist(run, foldOf, folds, usable);
  let knownCount = 0;
  let top1 = 0;
  for (let r = 0; r < run.rows; r++) {
    if (!run.known[r]) continue;
    knownCount++;
    top1 += run.top1[r];
  }
  return {
    protocol: {
      repeats: options.repeats,
      queries: { known: knownCount, unknown: run.rows - knownCount },
      neighbours: options.neighbours,
      ranking: options.ranking,
      folds,
      trainingArtistQueries: training ? training.rows : null,
    },
    scores,
    chosen: best.score,
    rule: {
      score: best.score === 'learned-on-training-artists' ? 'learned' : best.score,
      features: best.features,
      model: best.final,
      confidence,
      ranking: options.ranking,
      bestArtist: bestArtist?.rule ?? null,
    },
    reliability: reliability(best.oof, y),
    verdicts: { confidence, coverage: covered, accuracy: covered > 0 ? right / covered : null },
    knownTop1: knownCount ? top1 / knownCount : Number.NaN,
    bestArtist: bestArtist?.evaluation ?? null,
  };
}

/**
 * P(the best-ranked artist is the painter), over all queries of the protocol (known and unknown
 * as they come: the probability keeps their frequencies, it is not reweighted to a prior).
 */
function measureBestArtist(run: ProtocolRun, foldOf: Int32Array, folds: number, usable: OpenSetFeature[]) {
  const candidates: { score: OpenSetFeature | 'learned'; features: OpenSetFeature[]; rows: number[]; oof: Float64Array; auroc: number; final: LogisticModel }[] = [];
  const sets: [OpenSetFeature | 'learned', OpenSetFeature[]][] = [...usable.map((n): [OpenSetFeature, OpenSetFeature[]] => [n, [n]]), ['learned', [...usable]]];
  for (const [score, features] of sets) {
    const f = features.map((n) => OPEN_SET_FEATURES.indexOf(n));
    const rows = finiteRows(run, f);
    const y = rows.map((r) => run.top1[r]);
    if (new Set(y).size < 2) continue;
    const x = column(run, rows, f);
    const oof = crossFit(x, f.length, y, rows.map((r) => foldOf[r]), folds, false);
    const auroc = score === 'learned' ? aurocOf(oof, y) : aurocOf(x, y);
    candidates.push({ score, features, rows, oof, auroc, final: fitLogistic(x, f.length, y, undefined, false) });
  }
  if (candidates.length === 0) return null;
  const best = candidates.reduce((a, b) => (b.auroc > a.auroc ? b : a));
  const y = best.rows.map((r) => run.top1[r]);
  return {
    rule: { score: best.score, features: best.features, model: best.final },
    evaluation: {
      base: y.reduce((s, v) => s + v, 0) / y.length,
      scores: candidates.map((c) => ({ score: c.score, auroc: c.auroc, ece: reliability(c.oof, c.rows.map((r) => run.top1[r]), 10, false).ece })),
      chosen: best.score,
      reliability: reliability(best.oof, y, 10, false),
    },
  };
}

function finiteRows(run: ProtocolRun, features: number[]): number[] {
  const rows: number[] = [];
  for (let r = 0; r < run.rows; r++) if (features.every((f) => Number.isFinite(run.features[r * F + f]))) rows.push(r);
  return rows;
}

function column(run: ProtocolRun, rows: number[], features: number[]): Float64Array {
  const x = new Float64Array(rows.length * features.length);
  rows.forEach((r, i) => features.forEach((f, j) => (x[i * features.length + j] = run.features[r * F + f])));
  return x;
}

/** Each artist to one of `folds` folds, seeded, balanced in artists. */
function artistFolds(artist: Int32Array, folds: number, seed: number): Int32Array {
  const distinct = Rng.derive(seed, 23).shuffle([...new Set(artist)].sort((a, b) => a - b));
  const fold = new Map(distinct.map((a, i) => [a, i % folds]));
  return Int32Array.from(artist, (a) => fold.get(a)!);
}

/** Out-of-fold probabilities: each fold predicted by a model fitted on the others. */
function crossFit(x: Float64Array, f: number, y: number[], fold: number[], folds: number, balanced = true): Float64Array {
  const out = new Float64Array(y.length);
  for (let k = 0; k < folds; k++) {
    const train = y.map((_, i) => i).filter((i) => fold[i] !== k);
    const test = y.map((_, i) => i).filter((i) => fold[i] === k);
    if (test.length === 0) continue;
    const labels = train.map((i) => y[i]);
    if (new Set(labels).size < 2) {
      for (const i of test) out[i] = 0.5;
      continue;
    }
    const xt = new Float64Array(train.length * f);
    train.forEach((i, r) => xt.set(x.subarray(i * f, (i + 1) * f), r * f));
    const m = fitLogistic(xt, f, labels, undefined, balanced);
    for (const i of test) out[i] = logisticProbability(m, x.subarray(i * f, (i + 1) * f));
  }
  return out;
}

/** Weights giving known and unknown queries half the total each (the prior probabilities are stated for). */
function classWeights(y: number[]): number[] {
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  return y.map((v) => (v === 1 ? 0.5 / Math.max(pos, 1) : 0.5 / Math.max(neg, 1)));
}

function auroc(x: Float64Array, y: number[]): number {
  return aurocOf(x, y);
}

/** P(value of a known row > value of an unknown row), ties counted half. */
function aurocOf(values: ArrayLike<number>, y: number[]): number {
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] ? known : unknown).push(values[i]);
  return rocAuc(unknown, known);
}

function balancedAccuracy(p: Float64Array, y: number[], threshold: number): number {
  const w = classWeights(y);
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] >= threshold ? 1 : 0) === y[i]) right += w[i];
  return right;
}

function reliability(p: Float64Array, y: number[], bins = 10, balanced = true): { bins: ReliabilityBin[]; ece: number } {
  const w = balanced ? classWeights(y) : y.map(() => 1 / y.length);
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0, weight: 0, meanPredicted: 0, observed: 0 }));
  for (let i = 0; i < y.length; i++) {
    const bin = out[Math.min(bins - 1, Math.floor(p[i] * bins))];
    bin.count++;
    bin.weight += w[i];
    bin.meanPredicted += w[i] * p[i];
    bin.observed += w[i] * y[i];
  }
  let ece = 0;
  for (const bin of out) {
    if (bin.weight > 0) {
      bin.meanPredicted /= bin.weight;
      bin.observed /= bin.weight;
    }
    ece += bin.weight * Math.abs(bin.meanPredicted - bin.observed);
  }
  return { bins: out, ece };
}

/** platt(logit(trained)) as one logistic model over the trained one's features. */
function compose(trained: LogisticModel, platt: LogisticModel): LogisticModel {
  // platt: σ(a + b·(z − m)/s) with z = trained's logit.
  const b = platt.weights[0] / platt.scale[0];
  const a = platt.intercept - b * platt.mean[0];
  return { intercept: a + b * trained.intercept, weights: trained.weights.map((w) => b * w), mean: trained.mean, scale: trained.scale };
}
