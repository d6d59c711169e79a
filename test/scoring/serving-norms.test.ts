/**
 * The norms a build is written with: artist spreads over its labelled paintings only, stored as
 * plain JSON, and served only against the cohort they were measured with.
 */
import { describe, expect, it } from 'vitest';
import type { Cohort } from '../../src/scoring/cohort.js';
import { measureBuildNorms, servingNorms } from '../../src/scoring/serving-norms.js';

/** 1-d vectors: artist 1 at 0, 1, 2; artist 2 at 10, 14; an unlabelled painting at 1.5; artist 3 alone. */
const ENTRIES = [{ artistId: 1 }, { artistId: 1 }, { artistId: 1 }, { artistId: 2 }, { artistId: 2 }, { artistId: null }, { artistId: 3 }];
const VECTORS = Float32Array.of(0, 1, 2, 10, 14, 1.5, 30);
const COHORT = { sha256: 'abc', params: { k: 50, variant: 'mean' } };

describe('build norms', () => {
  it('measures each artist\'s spread from its own paintings, never counting an unlabelled one', () => {
    const norms = measureBuildNorms(COHORT, ENTRIES, VECTORS);
    // Artist 1: each painting's mean distance to the other two: (1.5, 1, 1.5) → 4/3; artist 2: 4.
    expect(norms.spreads['1']).toBeCloseTo(4 / 3, 6);
    expect(norms.spreads['2']).toBeCloseTo(4, 6);
    expect(Object.keys(norms.spreads).sort()).toEqual(['1', '2']);
    expect(norms).toMatchObject({ cohortSha256: 'abc', k: 50, variant: 'mean' });
    // Per-painting spreads around their artist's mean: 1/6, 1/3, 1/6 and 0, 0 over five paintings.
    expect(norms.pooledSpreadStd).toBeCloseTo(Math.sqrt((2 * (1 / 6) ** 2 + (1 / 3) ** 2) / 5), 6);
    expect(JSON.parse(JSON.stringify(norms))).toEqual(norms);
  });

  it('serves them only with the cohort and K they were measured against', () => {
    const norms = measureBuildNorms(COHORT, ENTRIES, VECTORS);
    const cohort = { params: { k: 50, variant: 'mean' } } as unknown as Cohort;
    const served = servingNorms(norms, { cohort, sha256: 'abc' })!;
    expect(served.spreads.get(2)).toEqual({ mean: 4 });
    expect(served.pooledSpreadStd).toBe(norms.pooledSpreadStd);
    expect(servingNorms(norms, { cohort, sha256: 'another' })).toBeNull();
    expect(servingNorms(norms, { cohort: { params: { k: 10, variant: 'mean' } } as unknown as Cohort, sha256: 'abc' })).toBeNull();
    expect(servingNorms(null, { cohort, sha256: 'abc' })).toBeNull();
    expect(servingNorms(norms, null)).toBeNull();
  });
});
