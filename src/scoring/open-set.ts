/**
 * "Is the painter one of the indexed artists at all?" Nearest-artist rankings always name someone;
 * these are the signals that a query's best artist is a real match rather than merely the least
 * far, and the rule that turns them into a verdict. The same functions run in `painter evaluate`
 * (which measures every signal and calibrates the rule on held-out artists) and in the server
 * (which applies the stored rule), so what was measured is what is served.
 *
 * Every feature is oriented so that larger means "more likely an indexed artist".
 */
import { logisticProbability, type LogisticModel } from '../metrics/logistic.js';
import type { RankedArtist } from '../search/aggregate-artists.js';

export const OPEN_SET_FEATURES = [
  /** −(padded mean of the best artist's 3 nearest distances): the ranking's own distance. */
  'best-artist-distance',
  /** −(distance of the nearest painting). */
  'nearest-painting-distance',
  /** Second artist's distance ÷ best artist's: how far the best one stands out. */
  'best-second-ratio',
  /** Share of the 10 nearest paintings that are the best artist's. */
  'best-artist-share-of-10',
  /** −(best artist's distance, cohort-normalised: d − (r_query + r̄_artist)/2). */
  'csls-best-artist-distance',
  /** −(smallest cohort-normalised distance to any neighbour). */
  'csls-nearest-painting-distance',
  /** Query radius − best artist's distance: how much nearer the artist is than the query's cohort neighbours. */
  'radius-gap',
  /** −(best artist's distance − its paintings' usual distance to each other) ÷ the pooled spread. */
  'artist-spread-z',
] as const;
export type OpenSetFeature = (typeof OPEN_SET_FEATURES)[number];

/** A neighbour of the query, nearest first: its artist, raw distance and cohort radius (if known). */
export interface OpenSetNeighbour {
  artistId: number;
  distance: number;
  radius?: number;
}

export interface ArtistSpread {
  /** Mean over the artist's paintings of the mean distance to their 3 nearest same-artist paintings. */
  mean: number;
}

export interface OpenSetContext {
  /** The query's cohort radius; null without a cohort. */
  queryRadius: number | null;
  /** The usual closeness of an artist's own paintings; null when unknown (one painting). */
  spread(artistId: number): ArtistSpread | null;
  /** Std of the per-painting spreads around their artist's mean, over the whole gallery. */
  pooledSpreadStd: number;
}

const mean3 = (values: number[]) => values.slice(0, 3).reduce((s, v) => s + v, 0) / Math.min(3, values.length);

/**
 * The features of one query, in OPEN_SET_FEATURES order; NaN where an input is missing (no
 * second artist, no cohort radii, no spread).
 */
export function openSetFeatures(neighbours: readonly OpenSetNeighbour[], ranked: readonly RankedArtist[], ctx: OpenSetContext): Float64Array {
  const out = new Float64Array(OPEN_SET_FEATURES.length).fill(Number.NaN);
  if (neighbours.length === 0 || ranked.length === 0) return out;
  const best = ranked[0].artistId;
  const second = ranked[1]?.artistId;
  let far = 0;
  for (const n of neighbours) far = Math.max(far, n.distance);
  const byArtist = (artistId: number) => neighbours.filter((n) => n.artistId === artistId);
  const padded = (ds: number[], pad: number) => [...ds.slice(0, 3), ...Array(Math.max(0, 3 - ds.length)).fill(pad)].reduce((s, v) => s + v, 0) / 3;

  const bestNs = byArtist(best);
  const bestRaw = padded(bestNs.map((n) => n.distance), far);
  out[0] = -bestRaw;
  out[1] = -neighbours[0].distance;
  if (second !== undefined) out[2] = padded(byArtist(second).map((n) => n.distance), far) / Math.max(bestRaw, 1e-9);
  const ten = neighbours.slice(0, 10);
  out[3] = ten.filter((n) => n.artistId === best).length / ten.length;

  const rx = ctx.queryRadius;
  if (rx !== null && neighbours.every((n) => n.radius !== undefined)) {
    const csls = (n: OpenSetNeighbour) => n.distance - (rx + n.radius!) / 2;
    let worst = -Infinity;
    let nearest = Infinity;
    for (const n of neighbours) {
      worst = Math.max(worst, csls(n));
      nearest = Math.min(nearest, csls(n));
    }
    out[4] = -padded(bestNs.map(csls).sort((a, b) => a - b), worst);
    out[5] = -nearest;
    out[6] = rx - bestRaw;
  }
  const spread = ctx.spread(best);
  if (spread && ctx.pooledSpreadStd > 0) out[7] = -(mean3(bestNs.map((n) => n.distance)) - spread.mean) / ctx.pooledSpreadStd;
  return out;
}

/** The per-artist spreads of a gallery, from each artist's own pairwise distances. */
export function artistSpreads(
  members: ReadonlyMap<number, readonly number[]>,
  distance: (a: number, b: number) => number,
): { spreads: Map<number, ArtistSpread>; pooledStd: number } {
  const spreads = new Map<number, ArtistSpread>();
  let sq = 0;
  let count = 0;
  for (const [artistId, rows] of members) {
    if (rows.length < 2) continue;
    const perPainting = rows.map((a) => mean3(rows.filter((b) => b !== a).map((b) => distance(a, b)).sort((x, y) => x - y)));
    const m = perPainting.reduce((s, v) => s + v, 0) / perPainting.length;
    spreads.set(artistId, { mean: m });
    for (const v of perPainting) sq += (v - m) ** 2;
    count += perPainting.length;
  }
  return { spreads, pooledStd: count ? Math.sqrt(sq / count) : 0 };
}

export const OPEN_SET_VERDICTS = ['indexed-artist', 'no-indexed-artist', 'uncertain'] as const;
export type OpenSetVerdict = (typeof OPEN_SET_VERDICTS)[number];

/** What `painter evaluate` stores and the server applies. */
export interface OpenSetRule {
  /** The score chosen by detection AUROC: one feature, or 'learned' (a logistic model over several). */
  score: OpenSetFeature | 'learned';
  /** The features the model reads, in its weight order. */
  features: OpenSetFeature[];
  /** P(indexed artist | features), calibrated on held-out artists with known and unknown queries weighted equally. */
  model: LogisticModel;
  /** A verdict is stated when its probability reaches this; below it the answer is 'uncertain'. */
  confidence: number;
  /** How the artists were ranked when the rule was calibrated (the features depend on it). */
  ranking: 'raw' | 'csls';
  /** P(the best-ranked artist is the painter), fitted at the protocol's own mix of known and unknown painters; null when not calibrated. */
  bestArtist?: { score: OpenSetFeature | 'learned'; features: OpenSetFeature[]; model: LogisticModel } | null;
}

export interface OpenSetAnswer {
  verdict: OpenSetVerdict;
  /** Probability that the painter is one of the indexed artists (equal prior of indexed and not). */
  probabilityIndexed: number;
  /** Probability that the best-ranked artist is the painter (at the held-out mix of known and unknown painters); null without that calibration. */
  probabilityBestArtist: number | null;
  score: OpenSetRule['score'];
}

/** Applies a rule to a query's features; null when a feature the rule reads is missing. */
export function openSetAnswer(rule: OpenSetRule, features: Float64Array): OpenSetAnswer | null {
  const x = rule.features.map((f) => features[OPEN_SET_FEATURES.indexOf(f)]);
  if (x.some((v) => !Number.isFinite(v))) return null;
  const p = logisticProbability(rule.model, x);
  const verdict: OpenSetVerdict = p >= rule.confidence ? 'indexed-artist' : p <= 1 - rule.confidence ? 'no-indexed-artist' : 'uncertain';
  let best: number | null = null;
  if (rule.bestArtist) {
    const xb = rule.bestArtist.features.map((f) => features[OPEN_SET_FEATURES.indexOf(f)]);
    if (xb.every((v) => Number.isFinite(v))) best = logisticProbability(rule.bestArtist.model, xb);
  }
  return { verdict, probabilityIndexed: p, probabilityBestArtist: best, score: rule.score };
}

/**
 * A verdict is stated when its calibrated probability reaches 3 to 1; below that the answer is
 * "uncertain". Stored with each rule, so a later change does not reinterpret old evaluations.
 */
export const OPEN_SET_CONFIDENCE = 0.75;
