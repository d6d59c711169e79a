/**
 * Turns the nearest paintings into a ranking of artists. A single look-alike painting should not
 * outrank an artist whose work fills the neighbourhood, so the methods differ in how they weigh
 * one close painting against several fairly close ones; bench/nearest-artists.ts measures them.
 */

export interface Neighbour {
  label: number;
  artistId: number;
  distance: number;
  /**
   * A normalised distance (CSLS) to rank by instead of `distance`; smaller is closer. The shown
   * distance stays the raw one.
   */
  score?: number;
}

export type ArtistAggregation = 'nearest' | 'mean-top3' | 'vote';

export const ARTIST_AGGREGATIONS: readonly ArtistAggregation[] = ['nearest', 'mean-top3', 'vote'];

/** Default ranking, chosen by top-1 accuracy on held-out artists (README, "Nearest artists"). */
export const DEFAULT_AGGREGATION: ArtistAggregation = 'mean-top3';

/** Paintings looked at when ranking artists: enough for several artists with several paintings each. */
export const DEFAULT_NEIGHBOURS = 50;

/** Temperature of the vote kernel, in embedding distance units (distances span 0–10). */
const VOTE_TEMPERATURE = 0.5;

export interface RankedArtist {
  artistId: number;
  /** The distance the artist is shown with: the mean of its (up to 3) nearest paintings. */
  distance: number;
  /** What the artist was ranked by (the padded mean of its 3 best scores for mean-top3). */
  key: number;
  /** Share of the neighbourhood's kernel weight on this artist (sums to 1 over all artists). */
  score: number;
  /** Indices into the neighbour list, closest first. */
  neighbours: number[];
}

/**
 * `neighbours` must be sorted by ascending distance. Each method ranks by the neighbours' `score`
 * where given (a normalised distance), else by their distance:
 * - nearest: rank by the artist's closest painting;
 * - mean-top3: rank by the mean of its three best paintings (fewer when fewer are near, each
 *   missing one counted at the neighbourhood's worst value so one lucky match is not enough);
 * - vote: rank by the summed kernel weight exp(−(s − s₀)/T) of its paintings (s₀ the best value).
 */
export function rankArtists(neighbours: readonly Neighbour[], method: ArtistAggregation = DEFAULT_AGGREGATION): RankedArtist[] {
  if (neighbours.length === 0) return [];
  const value = (n: Neighbour) => n.score ?? n.distance;
  let best = Infinity;
  let worst = -Infinity;
  for (const n of neighbours) {
    best = Math.min(best, value(n));
    worst = Math.max(worst, value(n));
  }
  const groups = new Map<number, { indices: number[]; weight: number }>();
  let totalWeight = 0;
  neighbours.forEach((n, i) => {
    const w = Math.exp(-(value(n) - best) / VOTE_TEMPERATURE);
    totalWeight += w;
    const g = groups.get(n.artistId) ?? { indices: [], weight: 0 };
    g.indices.push(i);
    g.weight += w;
    groups.set(n.artistId, g);
  });
  const ranked = [...groups.entries()].map(([artistId, g]) => {
    const shownTop = g.indices.slice(0, 3).map((i) => neighbours[i].distance);
    const shown = shownTop.reduce((s, d) => s + d, 0) / shownTop.length;
    const values = g.indices.map((i) => value(neighbours[i])).sort((a, b) => a - b);
    const top = values.slice(0, 3);
    const padded = [...top, ...Array(3 - top.length).fill(worst)].reduce((s, d) => s + d, 0) / 3;
    const key = method === 'nearest' ? top[0] : method === 'mean-top3' ? padded : -g.weight;
    return { artistId, distance: shown, key, score: g.weight / totalWeight, neighbours: g.indices, first: g.indices[0] };
  });
  // Ties (e.g. equal votes) fall back to who has the closest painting.
  ranked.sort((a, b) => a.key - b.key || a.first - b.first);
  return ranked.map(({ artistId, distance, key, score, neighbours: idx }) => ({ artistId, distance, key, score, neighbours: idx }));
}
