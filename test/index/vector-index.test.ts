import { describe, expect, it } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { exactSearch } from '../../src/index/exact-search.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { clustered, euclidean, row } from './helpers.js';

const PARAMS = { M: 16, efConstruction: 100, ef: 64 };

function filled(n = 300, dim = 16, seed = 1): { index: VectorIndex; rows: Float32Array; labels: number[]; dim: number } {
  const data = clustered(n, dim, 10, seed);
  const index = VectorIndex.create(dim, { ...PARAMS, capacity: n });
  data.labels.forEach((label, i) => index.add(label, row(data.rows, dim, i)));
  return { index, ...data };
}

function expectInvalid(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PainterError);
    expect((e as PainterError).code).toBe('INVALID_ARGUMENT');
    return;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('VectorIndex', () => {
  it('finds each stored vector at distance 0 and reports true Euclidean distances, nearest first', () => {
    const { index, rows, labels, dim } = filled();
    expect(index.size).toBe(300);
    expect(index.dim).toBe(16);
    expect(index.params).toEqual(PARAMS);
    for (const i of [0, 17, 123, 299]) {
      const query = row(rows, dim, i);
      const hits = index.search(query, 10);
      expect(hits).toHaveLength(10);
      expect(hits[0]).toEqual({ label: labels[i], distance: 0 });
      for (let h = 1; h < hits.length; h++) expect(hits[h].distance).toBeGreaterThanOrEqual(hits[h - 1].distance);
      for (const hit of hits) {
        const truth = euclidean(query, row(rows, dim, labels.indexOf(hit.label)));
        expect(Math.abs(hit.distance - truth)).toBeLessThan(1e-4 * Math.max(1, truth));
      }
    }
  });

  it('returns [] on an empty index and clips k to the live count', () => {
    const empty = VectorIndex.create(4, PARAMS);
    expect(empty.search([0, 0, 0, 0], 5)).toEqual([]);
    expect(empty.size).toBe(0);
    const index = VectorIndex.create(4, PARAMS);
    index.add(1, [0, 0, 0, 0]);
    index.add(2, [3, 4, 0, 0]);
    expect(index.search([0, 0, 0, 0], 50)).toEqual([
      { label: 1, distance: 0 },
      { label: 2, distance: 5 },
    ]);
    expect(index.search([0, 0, 0, 0], 0)).toEqual([]);
    index.remove(1);
    expect(index.search([0, 0, 0, 0], 50)).toEqual([{ label: 2, distance: 5 }]);
  });

  it('removes labels: absent from results, idempotent, and re-adding brings them back', () => {
    const { index, rows, labels, dim } = filled();
    const target = labels[5];
    const query = row(rows, dim, 5);
    expect(index.remove(target)).toBe(true);
    expect(index.remove(target)).toBe(false);
    expect(index.remove(424242)).toBe(false);
    expect(index.has(target)).toBe(false);
    expect(index.size).toBe(299);
    expect(index.labels()).not.toContain(target);
    expect(index.search(query, 20).map((h) => h.label)).not.toContain(target);
    expectInvalid(() => index.vector(target));

    const capacity = index.capacity;
    index.add(target, query);
    expect(index.has(target)).toBe(true);
    expect(index.size).toBe(300);
    expect(index.capacity).toBe(capacity);
    expect(index.search(query, 1)[0]).toEqual({ label: target, distance: 0 });
  });

  it('applies the filter to labels and matches exact filtered search', () => {
    const { index, rows, labels, dim } = filled(400, 16, 2);
    index.setEf(400);
    const even = (label: number) => label % 2 === 0;
    for (const i of [1, 50, 333]) {
      const hits = index.search(row(rows, dim, i), 8, even);
      expect(hits.every((h) => even(h.label))).toBe(true);
      expect(hits.map((h) => h.label)).toEqual(exactSearch({ rows, labels, dim }, row(rows, dim, i), 8, even).map((h) => h.label));
    }
    expect(index.search(row(rows, dim, 0), 5, () => false)).toEqual([]);
  });

  it('rethrows an exception from the filter instead of letting it reach hnswlib', () => {
    const { index, rows, dim } = filled(50);
    expect(() =>
      index.search(row(rows, dim, 0), 5, () => {
        throw new Error('filter broke');
      }),
    ).toThrow('filter broke');
    expect(index.search(row(rows, dim, 0), 1)).toHaveLength(1);
  });

  it('grows its capacity by doubling when full', () => {
    const data = clustered(200, 8, 5, 3);
    const index = VectorIndex.create(8, { ...PARAMS, capacity: 4 });
    data.labels.forEach((label, i) => index.add(label, row(data.rows, 8, i)));
    expect(index.size).toBe(200);
    expect(index.capacity).toBeGreaterThanOrEqual(200);
    expect(index.capacity).toBeLessThanOrEqual(512);
    for (const i of [0, 3, 4, 150, 199]) expect(index.search(row(data.rows, 8, i), 1)[0].label).toBe(data.labels[i]);
  });

  it('replaces the vector of an existing label in place', () => {
    const { index, rows, labels, dim } = filled(100);
    const label = labels[10];
    const replacement = row(rows, dim, 60).map((v) => v + 0.01);
    const capacity = index.capacity;
    index.add(label, replacement);
    expect(index.size).toBe(100);
    expect(index.capacity).toBe(capacity);
    expect(Array.from(index.vector(label))).toEqual(Array.from(replacement));
    expect(index.search(replacement, 1)[0]).toEqual({ label, distance: 0 });
    expect(index.search(row(rows, dim, 10), 1)[0].label).not.toBe(label);
  });

  it('accepts number[] and Float32Array alike and returns stored vectors as Float32Array', () => {
    const index = VectorIndex.create(3, PARAMS);
    index.add(7, [1, 2, 3]);
    index.add(8, new Float32Array([1, 2, 4]));
    expect(index.vector(7)).toEqual(new Float32Array([1, 2, 3]));
    expect(index.labels()).toEqual([7, 8]);
    expect(index.search(new Float32Array([1, 2, 3.9]), 1)[0].label).toBe(8);
  });

  it('rejects bad vectors, labels, k and parameters with INVALID_ARGUMENT', () => {
    const index = VectorIndex.create(3, PARAMS);
    expectInvalid(() => index.add(1, [1, 2]));
    expectInvalid(() => index.add(1, [1, NaN, 2]));
    expectInvalid(() => index.add(1, [1, Infinity, 2]));
    expectInvalid(() => index.add(-1, [1, 2, 3]));
    expectInvalid(() => index.add(1.5, [1, 2, 3]));
    expectInvalid(() => index.add(2 ** 32, [1, 2, 3]));
    expectInvalid(() => index.search([1, 2], 1));
    expectInvalid(() => index.search([1, 2, 3], -1));
    expectInvalid(() => index.search([1, 2, 3], 1.5));
    expectInvalid(() => index.setEf(0));
    expectInvalid(() => VectorIndex.create(0, PARAMS));
    expectInvalid(() => VectorIndex.create(3, { ...PARAMS, M: 1 }));
    expectInvalid(() => VectorIndex.create(3, { ...PARAMS, efConstruction: 0 }));
    expectInvalid(() => VectorIndex.create(3, { ...PARAMS, ef: 2.5 }));
    expectInvalid(() => VectorIndex.create(3, { ...PARAMS, capacity: 0 }));
    expect(index.size).toBe(0);
  });

  it('setEf changes the query beam and the reported params', () => {
    const { index, rows, dim } = filled(100);
    index.setEf(5);
    expect(index.params.ef).toBe(5);
    // ef below k is raised to k by hnswlib, so k results still come back.
    expect(index.search(row(rows, dim, 0), 20)).toHaveLength(20);
  });
});
