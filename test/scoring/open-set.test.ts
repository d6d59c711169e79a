import { describe, expect, it } from 'vitest';
import { rankArtists } from '../../src/search/aggregate-artists.js';
import { OPEN_SET_FEATURES, openSetAnswer, openSetFeatures, type OpenSetRule } from '../../src/scoring/open-set.js';
import { servedCalibration } from '../../src/scoring/served-calibration.js';

const feature = (f: Float64Array, name: (typeof OPEN_SET_FEATURES)[number]) => f[OPEN_SET_FEATURES.indexOf(name)];

describe('open-set features', () => {
  // Artist 1 holds three of the four nearest; artist 2 one. Radii: query 2, each neighbour 1.
  const neighbours = [
    { label: 1, artistId: 1, distance: 1, radius: 1 },
    { label: 2, artistId: 2, distance: 1.5, radius: 1 },
    { label: 3, artistId: 1, distance: 2, radius: 1 },
    { label: 4, artistId: 1, distance: 3, radius: 1 },
  ];
  const ranked = rankArtists(neighbours);
  const f = openSetFeatures(neighbours, ranked, { queryRadius: 2, spread: (a) => (a === 1 ? { mean: 1.5 } : null), pooledSpreadStd: 0.5 });

  it('reads the best artist, its distance and how far it stands out, by hand', () => {
    expect(ranked[0].artistId).toBe(1);
    expect(feature(f, 'best-artist-distance')).toBeCloseTo(-2, 10); // mean of 1, 2, 3
    expect(feature(f, 'nearest-painting-distance')).toBeCloseTo(-1, 10);
    // Artist 2: 1.5 padded with the farthest distance (3) twice → 2.5; ÷ 2.
    expect(feature(f, 'best-second-ratio')).toBeCloseTo(1.25, 10);
    expect(feature(f, 'best-artist-share-of-10')).toBeCloseTo(0.75, 10);
    // Normalised: each distance − (2 + 1)/2 = d − 1.5.
    expect(feature(f, 'csls-best-artist-distance')).toBeCloseTo(-0.5, 10);
    expect(feature(f, 'csls-nearest-painting-distance')).toBeCloseTo(0.5, 10);
    expect(feature(f, 'radius-gap')).toBeCloseTo(0, 10);
    // (mean of 1, 2, 3 − 1.5) ÷ 0.5 = 1, negated.
    expect(feature(f, 'artist-spread-z')).toBeCloseTo(-1, 10);
  });

  it('leaves out what it has no input for', () => {
    const raw = openSetFeatures(neighbours.map(({ radius: _, ...n }) => n), ranked, { queryRadius: null, spread: () => null, pooledSpreadStd: 0 });
    expect(Number.isNaN(feature(raw, 'csls-best-artist-distance'))).toBe(true);
    expect(Number.isNaN(feature(raw, 'artist-spread-z'))).toBe(true);
    expect(feature(raw, 'best-artist-distance')).toBeCloseTo(-2, 10);
  });

  it('states a verdict only at the rule confidence, and none without the features it reads', () => {
    const rule: OpenSetRule = {
      score: 'best-artist-distance',
      features: ['best-artist-distance'],
      // P(indexed) = σ(4 + 2·x) with x = −distance: ½ at distance 2.
      model: { intercept: 0, weights: [2], mean: [-2], scale: [1] },
      confidence: 0.75,
      ranking: 'raw',
    };
    const at = (d: number) => openSetAnswer(rule, Float64Array.from(OPEN_SET_FEATURES, (n) => (n === 'best-artist-distance' ? -d : NaN)))!;
    expect(at(2).verdict).toBe('uncertain');
    expect(at(2).probabilityIndexed).toBeCloseTo(0.5, 10);
    expect(at(1).verdict).toBe('indexed-artist');
    expect(at(3).verdict).toBe('no-indexed-artist');
    expect(openSetAnswer({ ...rule, features: ['radius-gap'] }, f.map(() => NaN))).toBeNull();
  });

  it('gives the probability that the best artist is the painter from its own model, or null without one', () => {
    const rule: OpenSetRule = {
      score: 'best-artist-distance',
      features: ['best-artist-distance'],
      model: { intercept: 0, weights: [2], mean: [-2], scale: [1] },
      confidence: 0.75,
      ranking: 'raw',
      // P(best is the painter) = σ(1 + 3·(share − 0.5)): σ(1) at a share of ½.
      bestArtist: { score: 'best-artist-share-of-10', features: ['best-artist-share-of-10'], model: { intercept: 1, weights: [3], mean: [0.5], scale: [1] } },
    };
    const x = Float64Array.from(OPEN_SET_FEATURES, (n) => (n === 'best-artist-distance' ? -2 : n === 'best-artist-share-of-10' ? 0.5 : NaN));
    expect(openSetAnswer(rule, x)!.probabilityBestArtist).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
    expect(openSetAnswer({ ...rule, bestArtist: null }, x)!.probabilityBestArtist).toBeNull();
    const noShare = x.map((v, i) => (OPEN_SET_FEATURES[i] === 'best-artist-share-of-10' ? NaN : v));
    const answer = openSetAnswer(rule, noShare)!;
    expect(answer.probabilityIndexed).toBeCloseTo(0.5, 10);
    expect(answer.probabilityBestArtist).toBeNull();
  });
});

describe('servedCalibration', () => {
  it('reads older evaluations (raw distance only) and newer ones, preferring CSLS only where it measured better', () => {
    const old = servedCalibration(3.2, { auc: 0.8 });
    expect(old).toMatchObject({ pairScore: 'distance', ranking: 'raw', openSet: null, distance: { threshold: 3.2, calibration: { intercept: 3.2, slope: -1 } } });
    const csls = { params: { k: 50, variant: 'mean' }, auc: 0.83, bestThreshold: -0.4, calibration: { intercept: -1, slope: -3 } };
    const better = servedCalibration(3.2, { auc: 0.8, calibration: { intercept: 6, slope: -2 }, csls, ranking: { chosen: 'csls' } });
    // Decisions fall where each fitted probability crosses 1/2 (σ(6 − 2d): 3; σ(−1 − 3s): −1/3), not at the best-accuracy thresholds.
    expect(better).toMatchObject({ pairScore: 'csls', ranking: 'csls', distance: { threshold: 3 } });
    expect(better.csls!.threshold).toBeCloseTo(-1 / 3, 12);
    expect(servedCalibration(3.2, { auc: 0.9, calibration: { intercept: 6, slope: -2 }, csls }).pairScore).toBe('distance');
  });
});
