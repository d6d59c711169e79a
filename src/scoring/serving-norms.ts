/**
 * What a served build needs to normalise distances and answer the open-set question, all measured
 * once when the build is written: the cohort radius of every painting (kept by the vector store
 * beside its vector, so a hit carries it), and each artist's spread (how close its own paintings
 * lie to each other), stored with the build's row. A serving process adds the model's cohort, to
 * measure an uploaded query's radius.
 */
import type { BuildNorms } from '../db/types.js';
import type { Cohort } from './cohort.js';
import { artistSpreads, type ArtistSpread } from './open-set.js';

export interface ServingNorms {
  cohort: Cohort;
  /** The checksum of the cohort the build's radii were measured against. */
  cohortSha256: string;
  spreads: Map<number, ArtistSpread>;
  pooledSpreadStd: number;
}

/** The artist spreads of a build's labelled paintings (`vectors` row i is `entries[i]`). */
export function measureBuildNorms(
  cohort: { sha256: string; params: { k: number; variant: string } },
  entries: readonly { artistId: number | null }[],
  vectors: Float32Array,
): BuildNorms {
  const dim = entries.length ? vectors.length / entries.length : 0;
  const members = new Map<number, number[]>();
  entries.forEach((e, row) => {
    if (e.artistId === null) return;
    const m = members.get(e.artistId);
    if (m) m.push(row);
    else members.set(e.artistId, [row]);
  });
  const { spreads, pooledStd } = artistSpreads(members, (a, b) => {
    let s = 0;
    for (let i = 0, x = a * dim, y = b * dim; i < dim; i++) s += (vectors[x + i] - vectors[y + i]) ** 2;
    return Math.sqrt(s);
  });
  return {
    cohortSha256: cohort.sha256,
    k: cohort.params.k,
    variant: cohort.params.variant,
    spreads: Object.fromEntries([...spreads].map(([artistId, s]) => [String(artistId), s.mean])),
    pooledSpreadStd: pooledStd,
  };
}

/**
 * The norms a build serves with the model's cohort; null (distances served raw) when the build has
 * none or was measured against another cohort or K than the model now holds.
 */
export function servingNorms(norms: BuildNorms | null, cohort: { cohort: Cohort; sha256: string } | null): ServingNorms | null {
  if (!norms || !cohort || norms.cohortSha256 !== cohort.sha256 || norms.k !== cohort.cohort.params.k) return null;
  return {
    cohort: cohort.cohort,
    cohortSha256: cohort.sha256,
    spreads: new Map(Object.entries(norms.spreads).map(([artistId, mean]) => [Number(artistId), { mean }])),
    pooledSpreadStd: norms.pooledSpreadStd,
  };
}
