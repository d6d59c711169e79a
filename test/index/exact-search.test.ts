import { describe, expect, it } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { exactSearch } from '../../src/index/exact-search.js';
import type { SearchHit } from '../../src/index/types.js';
import { Rng } from '../../src/util/random.js';
import { euclidean, gaussian, row } from './helpers.js';

function random(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => gaussian(rng));
}

function naive(rows: Float32Array, labels: number[], dim: number, query: Float32Array, k: number, keep = (_: number) => true): SearchHit[] {
  return labels
    .map((label, i) => ({ label, distance: euclidean(row(rows, dim, i), query) }))
    .filter((h) => keep(h.label))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
}

describe('exactSearch', () => {
  const dim = 24;
  const rows = random(500, dim, 5);
  const labels = Array.from({ length: 500 }, (_, i) => 3 * i + 1);
  const data = { rows, labels, dim };

  it('matches a naive sort of all distances', () => {
    const queries = random(20, dim, 6);
    for (let q = 0; q < 20; q++) {
      const query = row(queries, dim, q);
      for (const k of [1, 10, 37]) {
        const got = exactSearch(data, query, k);
        const want = naive(rows, labels, dim, query, k);
        expect(got.map((h) => h.label)).toEqual(want.map((h) => h.label));
        got.forEach((h, i) => expect(h.distance).toBeCloseTo(want[i].distance, 10));
      }
    }
  });

  it('filters by label, clips k, and handles empty input', () => {
    const query = row(random(1, dim, 7), dim, 0);
    const odd = (label: number) => label % 2 === 1;
    expect(exactSearch(data, query, 15, odd).map((h) => h.label)).toEqual(naive(rows, labels, dim, query, 15, odd).map((h) => h.label));
    expect(exactSearch(data, query, 10_000)).toHaveLength(500);
    expect(exactSearch(data, query, 10_000, odd)).toHaveLength(250);
    expect(exactSearch(data, query, 0)).toEqual([]);
    expect(exactSearch({ rows: new Float32Array(0), labels: [], dim }, query, 5)).toEqual([]);
  });

  it('accepts typed label arrays and finds an exact copy at distance 0', () => {
    const typed = { rows, labels: Int32Array.from(labels), dim };
    expect(exactSearch(typed, row(rows, dim, 42), 1)).toEqual([{ label: labels[42], distance: 0 }]);
  });

  it('rejects mismatched shapes', () => {
    const query = new Float32Array(dim);
    expect(() => exactSearch(data, new Float32Array(dim - 1), 1)).toThrow(PainterError);
    expect(() => exactSearch({ rows, labels: labels.slice(1), dim }, query, 1)).toThrow(PainterError);
    expect(() => exactSearch(data, query, -2)).toThrow(PainterError);
  });
});
