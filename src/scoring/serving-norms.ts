/**
 * What the serving index needs to normalise distances and answer the open-set question: the
 * model's cohort (to measure an uploaded query's radius), the radius of every indexed painting
 * (measured once at the index build and stored beside the index as `radii.json`), and each
 * artist's spread (how close its own paintings lie to each other; computed when an index loads).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../util/files.js';
import type { Cohort } from './cohort.js';
import { CSLS_VARIANTS, type CslsParams } from './csls.js';
import { artistSpreads, type ArtistSpread } from './open-set.js';

export const RADII_FILE = 'radii.json';

export interface ServingNorms {
  cohort: Cohort;
  /** The checksum of the cohort the radii were measured against. */
  cohortSha256: string;
  /** Indexed painting → radius. */
  radii: Map<number, number>;
  spreads: Map<number, ArtistSpread>;
  pooledSpreadStd: number;
}

const RadiiSchema = z.object({
  format: z.literal(1),
  cohortSha256: z.string(),
  params: z.object({ k: z.number().int().positive(), variant: z.enum(CSLS_VARIANTS) }),
  labels: z.array(z.number().int()),
  radii: z.array(z.number()),
});

export async function writeRadii(dir: string, norms: Pick<ServingNorms, 'radii' | 'cohortSha256' | 'cohort'>): Promise<void> {
  const entries = [...norms.radii.entries()].sort((a, b) => a[0] - b[0]);
  await writeJsonAtomic(join(dir, RADII_FILE), {
    format: 1,
    cohortSha256: norms.cohortSha256,
    params: norms.cohort.params,
    labels: entries.map(([l]) => l),
    radii: entries.map(([, r]) => r),
  });
}

/** Stored radii measured against this cohort and K; null when missing, damaged or measured otherwise. */
export async function readRadii(dir: string, cohortSha256: string, params: CslsParams): Promise<Map<number, number> | null> {
  try {
    const r = RadiiSchema.parse(JSON.parse(await readFile(join(dir, RADII_FILE), 'utf8')));
    if (r.cohortSha256 !== cohortSha256 || r.params.k !== params.k || r.labels.length !== r.radii.length) return null;
    return new Map(r.labels.map((l, i) => [l, r.radii[i]]));
  } catch {
    return null;
  }
}

/** Radii of `labels` (vectors row by row), each cohort painting leaving itself out. */
export async function measureRadii(cohort: Cohort, labels: readonly number[], vectors: Float32Array): Promise<Map<number, number>> {
  const r = await cohort.radii(vectors, labels);
  return new Map(labels.map((l, i) => [l, r[i]]));
}

/** Artist spreads over the indexed labelled paintings. */
export function indexSpreads(
  paintings: ReadonlyMap<number, { artistId: number | null }>,
  vector: (label: number) => Float32Array,
): { spreads: Map<number, ArtistSpread>; pooledStd: number } {
  const members = new Map<number, number[]>();
  for (const [label, p] of paintings) {
    if (p.artistId === null) continue;
    const m = members.get(p.artistId);
    if (m) m.push(label);
    else members.set(p.artistId, [label]);
  }
  const cache = new Map<number, Float32Array>();
  const v = (label: number) => {
    let x = cache.get(label);
    if (!x) cache.set(label, (x = vector(label)));
    return x;
  };
  return artistSpreads(members, (a, b) => {
    const x = v(a);
    const y = v(b);
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
    return Math.sqrt(s);
  });
}
