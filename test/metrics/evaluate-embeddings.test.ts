import { describe, expect, it } from 'vitest';
import { evaluateEmbeddings } from '../../src/evaluation/evaluate-embeddings.js';
import { differentArtistPairs, randomTriplets, sameArtistPairs } from '../../src/evaluation/pairs.js';
import { Rng } from '../../src/util/random.js';

const items = [
  { artist: 'a', style: 'x' },
  { artist: 'a', style: 'x' },
  { artist: 'a', style: 'x' },
  { artist: 'b', style: 'x' },
  { artist: 'b', style: 'x' },
  { artist: 'c', style: 'y' },
  { artist: 'c', style: 'y' },
];

describe('pairs', () => {
  it('enumerates every same-artist pair once', () => {
    expect(sameArtistPairs(items)).toEqual([
      [0, 1], [0, 2], [1, 2], [3, 4], [5, 6],
    ]);
  });
  it('samples distinct different-artist pairs and stops at what exists', () => {
    const all = differentArtistPairs(items, 1000, new Rng(1));
    // 7 items: 21 pairs, 5 same-artist → 16 different-artist pairs.
    expect(all).toHaveLength(16);
    expect(new Set(all.map(([i, j]) => `${i}-${j}`)).size).toBe(16);
    for (const [i, j] of all) expect(items[i].artist).not.toBe(items[j].artist);
  });
  it('same-style pairs share a style but not an artist', () => {
    const pairs = differentArtistPairs(items, 1000, new Rng(1), true);
    expect(pairs).toHaveLength(6); // a×b within style x
    for (const [i, j] of pairs) {
      expect(items[i].style).toBe(items[j].style);
      expect(items[i].artist).not.toBe(items[j].artist);
    }
  });
  it('triplets have a same-artist positive and another artist as negative', () => {
    for (const [a, p, n] of randomTriplets(items, 200, new Rng(3))) {
      expect(p).not.toBe(a);
      expect(items[p].artist).toBe(items[a].artist);
      expect(items[n].artist).not.toBe(items[a].artist);
    }
  });
});

describe('evaluateEmbeddings', () => {
  it('scores a perfectly clustered embedding at AUC 1 and triplet accuracy 1', () => {
    const centres: Record<string, number> = { a: 0, b: 5, c: 10 };
    const emb = new Float32Array(items.length * 2);
    items.forEach((it, i) => {
      emb[i * 2] = centres[it.artist] + (i % 2) * 0.1;
      emb[i * 2 + 1] = 0;
    });
    const r = evaluateEmbeddings(emb, 2, items, { seed: 1, triplets: 500 });
    expect(r.auc).toBe(1);
    expect(r.aucSameStyle).toBe(1);
    expect(r.tripletAccuracy).toBe(1);
    expect(r.bestAccuracy).toBe(1);
    expect(r.threshold).toBeGreaterThan(0.2);
    expect(r.threshold).toBeLessThan(5);
    expect(r.pairs).toEqual({ same: 5, different: 5, sameStyleDifferent: 5 });
    expect(r.roc).toHaveLength(101);
    // Calibrated: confident "same" at same-artist distances, confident "different" at 5 apart.
    expect(r.calibration!.slope).toBeLessThan(0);
    expect(1 / (1 + Math.exp(-(r.calibration!.intercept + r.calibration!.slope * 0.1)))).toBeGreaterThan(0.9);
    expect(1 / (1 + Math.exp(-(r.calibration!.intercept + r.calibration!.slope * 5)))).toBeLessThan(0.1);
  });
  it('scores an uninformative embedding near 0.5', () => {
    const n = 400;
    const rng = new Rng(9);
    const many = Array.from({ length: n }, (_, i) => ({ artist: `a${i % 20}`, style: null }));
    const emb = Float32Array.from({ length: n * 8 }, () => rng.next());
    const r = evaluateEmbeddings(emb, 8, many, { seed: 2 });
    expect(r.auc).toBeGreaterThan(0.45);
    expect(r.auc).toBeLessThan(0.55);
    expect(r.tripletAccuracy).toBeGreaterThan(0.45);
    expect(r.tripletAccuracy).toBeLessThan(0.55);
    expect(r.aucSameStyle).toBeNull();
  });
  it('is deterministic for a seed', () => {
    const rng = new Rng(4);
    const emb = Float32Array.from({ length: items.length * 3 }, () => rng.next());
    expect(evaluateEmbeddings(emb, 3, items, { seed: 5 })).toEqual(evaluateEmbeddings(emb, 3, items, { seed: 5 }));
  });
});
