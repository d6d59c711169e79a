import { describe, expect, it } from 'vitest';
import { Cohort } from '../../src/scoring/cohort.js';
import { cslsDistance, radiiFrom } from '../../src/scoring/csls.js';
import { NearestDistances } from '../../src/scoring/nearest-distances.js';

describe('cohort-normalised distance (CSLS)', () => {
  // A hand-computed case on a line (1-d vectors): cohort points at 0, 1, 3 and 7; K = 2.
  //   x = 2: distances to the cohort 2, 1, 1, 5 → two nearest 1, 1 → r_x = 1
  //   y = 6: distances 6, 5, 3, 1 → two nearest 1, 3 → r_y = 2
  //   d(x, y) = 4, so mean: 4 − (1 + 2)/2 = 2.5; ratio: 4 / 1.5 = 2.667
  const cohort = new Cohort(Float32Array.from([0, 1, 3, 7]), 1, [10, 11, 12, 13], { k: 2, variant: 'mean' });

  it('measures radii as the mean distance to the K nearest cohort paintings', async () => {
    const r = await cohort.radii(Float32Array.from([2, 6]));
    expect(r[0]).toBeCloseTo(1, 5);
    expect(r[1]).toBeCloseTo(2, 5);
    await cohort.release();
  });

  it('normalises a pair by both radii, subtracted or divided', () => {
    expect(cslsDistance(4, 1, 2, 'mean')).toBeCloseTo(2.5, 10);
    expect(cslsDistance(4, 1, 2, 'ratio')).toBeCloseTo(8 / 3, 10);
  });

  it('leaves a cohort painting out of its own radius', async () => {
    // The painting 11 sits at 1: without itself its two nearest are 0 and 3 → (1 + 2)/2 = 1.5;
    // an outside query at the same place would count itself: (0 + 1)/2 = 0.5.
    const own = await cohort.radii(Float32Array.from([1]), [11]);
    const outside = await cohort.radii(Float32Array.from([1]), [null]);
    expect(own[0]).toBeCloseTo(1.5, 5);
    expect(outside[0]).toBeCloseTo(0.5, 5);
    await cohort.release();
  });

  it('takes the mean of the first K finite distances of each row', () => {
    const rows = Float32Array.from([1, 2, 3, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(Array.from(radiiFrom(rows, 3, 2))).toEqual([1.5, 1]);
    expect(() => radiiFrom(rows, 3, 4)).toThrow(RangeError);
  });
});

describe('NearestDistances', () => {
  it('finds the exact k nearest rows with their distances, honouring exclusions and filters', async () => {
    const dim = 3;
    const rows = [
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
      [4, 4, 4],
    ];
    const nearest = await NearestDistances.create(Float32Array.from(rows.flat()), dim);
    const q = Float32Array.from([0.1, 0, 0, 0, 0, 2.9]);
    const found = await nearest.kNearest(q, 3, { exclude: (i) => (i === 1 ? 3 : -1), allow: (_i, r) => r !== 2 });
    const brute = (qi: number, skip: number[]) =>
      rows
        .map((r, i) => ({ i, d: Math.hypot(r[0] - q[qi * dim], r[1] - q[qi * dim + 1], r[2] - q[qi * dim + 2]) }))
        .filter((x) => !skip.includes(x.i))
        .sort((a, b) => a.d - b.d)
        .slice(0, 3);
    for (const [qi, skip] of [[0, [2]], [1, [2, 3]]] as const) {
      const expected = brute(qi, [...skip]);
      expect(Array.from(found.indices.subarray(qi * 3, qi * 3 + 3))).toEqual(expected.map((e) => e.i));
      expected.forEach((e, j) => expect(found.distances[qi * 3 + j]).toBeCloseTo(e.d, 4));
    }
    await nearest.release();
  });

  it('pads with -1 and Infinity when fewer rows qualify than asked for', async () => {
    const nearest = await NearestDistances.create(Float32Array.from([0, 0, 1, 1]), 2);
    const found = await nearest.kNearest(Float32Array.from([0, 0]), 3);
    expect(Array.from(found.indices)).toEqual([0, 1, -1]);
    expect(found.distances[2]).toBe(Number.POSITIVE_INFINITY);
    await nearest.release();
  });
});
