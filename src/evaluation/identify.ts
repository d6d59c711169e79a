/**
 * "Who painted this?" measured as the server answers it: each query painting's nearest corpus
 * paintings (its own image left out) are ranked into artists the way the server ranks them, and
 * the query counts as identified at k when its artist is among the first k. Neighbours come from
 * exact search (see exact-neighbours.ts), so the figure describes the embedding, not an index's
 * recall. Pure: neighbour lists in, fractions out.
 */
import { rankArtists, type ArtistAggregation, DEFAULT_AGGREGATION } from '../search/aggregate-artists.js';

export interface NeighbourList {
  /** Corpus row indices, nearest first. */
  indices: ArrayLike<number>;
  distances: ArrayLike<number>;
}

export interface IdentificationResult {
  queries: number;
  corpus: number;
  neighbours: number;
  aggregation: ArtistAggregation;
  top1: number;
  top5: number;
}

/** `neighbours[i]` are query i's neighbours; `artistOf[j]` is corpus row j's artist, `queryArtist[i]` query i's. */
export function identificationAccuracy(
  neighbours: readonly NeighbourList[],
  queryArtist: ArrayLike<number>,
  artistOf: ArrayLike<number>,
  corpusSize: number,
  aggregation: ArtistAggregation = DEFAULT_AGGREGATION,
): IdentificationResult {
  let top1 = 0;
  let top5 = 0;
  neighbours.forEach((list, q) => {
    const ranked = rankArtists(
      Array.from(list.indices, (j, r) => ({ label: j, artistId: artistOf[j], distance: list.distances[r] })),
      aggregation,
    );
    const at = ranked.findIndex((a) => a.artistId === queryArtist[q]);
    if (at === 0) top1++;
    if (at >= 0 && at < 5) top5++;
  });
  const n = neighbours.length;
  return {
    queries: n,
    corpus: corpusSize,
    neighbours: neighbours[0]?.indices.length ?? 0,
    aggregation,
    top1: n ? top1 / n : Number.NaN,
    top5: n ? top5 / n : Number.NaN,
  };
}
