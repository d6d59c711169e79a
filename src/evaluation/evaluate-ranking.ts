/**
 * Top-1 and top-5 nearest artist: each held-out painting queried against every other painting of
 * the corpus (its own image left out), artists ranked as the server ranks them, by the raw
 * distance and by the cohort-normalised one.
 */
import { rankArtists, type Neighbour } from '../search/aggregate-artists.js';
import type { NearestDistances } from '../scoring/nearest-distances.js';

export interface TopK {
  top1: number;
  top5: number;
}

export interface RankingEvaluation {
  queries: number;
  neighbours: number;
  raw: TopK;
  csls: TopK | null;
  /** The ranking with the better top-1 (then top-5): the one the server uses for this model. */
  chosen: 'raw' | 'csls';
}

export interface RankingInput {
  vectors: Float32Array;
  dim: number;
  artists: Int32Array;
  radii: Float32Array | null;
  nearest: NearestDistances;
  queries: number[];
  neighbours: number;
}

export async function evaluateRanking(input: RankingInput): Promise<RankingEvaluation> {
  const { vectors, dim, artists, radii, queries, neighbours } = input;
  const qv = new Float32Array(queries.length * dim);
  queries.forEach((q, i) => qv.set(vectors.subarray(q * dim, (q + 1) * dim), i * dim));
  const found = await input.nearest.kNearest(qv, neighbours, { exclude: (i) => queries[i] });
  const raw = { top1: 0, top5: 0 };
  const csls = { top1: 0, top5: 0 };
  const count = (ranked: number[], own: number, into: TopK) => {
    if (ranked[0] === own) into.top1++;
    if (ranked.slice(0, 5).includes(own)) into.top5++;
  };
  queries.forEach((q, i) => {
    const ns: Neighbour[] = [];
    for (let j = 0; j < neighbours; j++) {
      const row = found.indices[i * neighbours + j];
      if (row < 0) break;
      const distance = found.distances[i * neighbours + j];
      ns.push({ label: row, artistId: artists[row], distance, ...(radii ? { score: distance - (radii[q] + radii[row]) / 2 } : {}) });
    }
    count(rankArtists(ns.map(({ score: _, ...n }) => n)).map((a) => a.artistId), artists[q], raw);
    if (radii) count(rankArtists(ns).map((a) => a.artistId), artists[q], csls);
  });
  const share = (t: TopK): TopK => ({ top1: t.top1 / queries.length, top5: t.top5 / queries.length });
  const r = share(raw);
  const c = radii ? share(csls) : null;
  const chosen = c && (c.top1 > r.top1 || (c.top1 === r.top1 && c.top5 > r.top5)) ? 'csls' : 'raw';
  return { queries: queries.length, neighbours, raw: r, csls: c, chosen };
}
