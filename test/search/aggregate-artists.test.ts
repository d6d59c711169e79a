import { describe, expect, it } from 'vitest';
import { rankArtists, type Neighbour } from '../../src/search/aggregate-artists.js';

const n = (artistId: number, distance: number, label = distance * 100): Neighbour => ({ artistId, distance, label });

describe('rankArtists', () => {
  // Artist 1 has one very close painting; artist 2 fills the neighbourhood slightly farther out.
  const neighbours = [n(1, 1.0), n(2, 1.2), n(2, 1.3), n(2, 1.4), n(3, 2.5), n(1, 4.0)];

  it('nearest: the closest painting decides', () => {
    expect(rankArtists(neighbours, 'nearest').map((a) => a.artistId)).toEqual([1, 2, 3]);
  });

  it('mean-top3 and vote prefer the artist that fills the neighbourhood', () => {
    expect(rankArtists(neighbours, 'mean-top3').map((a) => a.artistId)).toEqual([2, 1, 3]);
    expect(rankArtists(neighbours, 'vote').map((a) => a.artistId)).toEqual([2, 1, 3]);
  });

  it('reports the mean of up to three nearest distances, scores summing to one, and supporting paintings in order', () => {
    const ranked = rankArtists(neighbours, 'vote');
    const two = ranked.find((a) => a.artistId === 2)!;
    expect(two.distance).toBeCloseTo(1.3, 10);
    expect(two.neighbours).toEqual([1, 2, 3]);
    const one = ranked.find((a) => a.artistId === 1)!;
    expect(one.distance).toBeCloseTo(2.5, 10);
    expect(one.neighbours).toEqual([0, 5]);
    expect(ranked.reduce((s, a) => s + a.score, 0)).toBeCloseTo(1, 10);
    expect(two.score).toBeGreaterThan(one.score);
  });

  it('handles an empty neighbourhood', () => {
    expect(rankArtists([])).toEqual([]);
  });
});
