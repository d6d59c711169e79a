/**
 * Turns the nearest paintings into a ranking of artists. A single look-alike painting should not
 * outrank an artist whose work fills the neighbourhood, so the methods differ in how they weigh
 * one close painting against several fairly close ones; bench/nearest-artists.ts measures them.
 */

export interface Neighbour {
  label: number;
  artistId: number;
  distance: number;
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
  /** Share of the neighbourhood's kernel weight on this artist (sums to 1 over all artists). */
  score: number;
  /** Indices into the neighbour list, closest first. */
  neighbours: number[];
}

/**
 * `neighbours` must be sorted by ascending distance.
 * - nearest: rank by the artist's closest painting;
 * - mean-top3: rank by the mean distance of its closest three paintings (fewer when fewer are near,
 *   each missing one counted at the neighbourhood's farthest distance so one lucky match is not enough);
 * - vote: rank by the summed kernel weight exp(−(d − d₀)/T) of its paintings (d₀ the closest distance).
 */
export function rankArtists(neighbours: readonly Neighbour[], method: ArtistAggregation = DEFAULT_AGGREGATION): RankedArtist[] {
  if (neighbours.length === 0) return [];
  const d0 = neighbours[0].distance;
  const far = neighbours[neighbours.length - 1].distance;
  const groups = new Map<number, { indices: number[]; weight: number }>();
  let totalWeight = 0;
  neighbours.forEach((n, i) => {
    const w = Math.exp(-(n.distance - d0) / VOTE_TEMPERATURE);
    totalWeight += w;
    const g = groups.get(n.artistId) ?? { indices: [], weight: 0 };
    g.indices.push(i);
    g.weight += w;
    groups.set(n.artistId, g);
  });
  const ranked = [...groups.entries()].map(([artistId, g]) => {
    const top = g.indices.slice(0, 3).map((i) => neighbours[i].distance);
    const shown = top.reduce((s, d) => s + d, 0) / top.length;
    const padded = [...top, ...Array(3 - top.length).fill(far)].reduce((s, d) => s + d, 0) / 3;
    const key = method === 'nearest' ? top[0] : method === 'mean-top3' ? padded : -g.weight;
    return { artistId, distance: shown, score: g.weight / totalWeight, neighbours: g.indices, key, first: g.indices[0] };
  });
  // Ties (e.g. equal votes) fall back to who has the closest painting.
  ranked.sort((a, b) => a.key - b.key || a.first - b.first);
  return ranked.map(({ artistId, distance, score, neighbours: idx }) => ({ artistId, distance, score, neighbours: idx }));
}
