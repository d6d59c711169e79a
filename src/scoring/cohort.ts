/**
 * The cohort a model's cohort-normalised distances are measured against: the embeddings of (a
 * seeded sample of) its training paintings, stored with the model as `cohort.f32` (raw
 * little-endian float32 rows) and `cohort.json` (which paintings, the K and variant, a checksum).
 * Evaluation, index builds, pair scoring and the server all read the same file, so a radius means
 * the same thing wherever it is computed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sha256, writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { Rng } from '../util/random.js';
import { CSLS_VARIANTS, radiiFrom, type CslsParams } from './csls.js';
import { NearestDistances } from './nearest-distances.js';

export const COHORT_JSON = 'cohort.json';
export const COHORT_F32 = 'cohort.f32';

/** Larger training sets are sampled down to this: K-nearest radii settle long before (and cost grows with it). */
export const COHORT_MAX_PAINTINGS = 10_000;
/** The seed of that sample. */
export const COHORT_SEED = 0;

const ManifestSchema = z.object({
  format: z.literal(1),
  modelVersion: z.number().int(),
  datasetId: z.number().int().nullable(),
  split: z.literal('train'),
  seed: z.number().int(),
  params: z.object({ k: z.number().int().positive(), variant: z.enum(CSLS_VARIANTS) }),
  dim: z.number().int().positive(),
  paintingIds: z.array(z.number().int()),
  sha256: z.string(),
});
export type CohortManifest = z.infer<typeof ManifestSchema>;

/** Which training paintings form the cohort: all of them, or a seeded sample of COHORT_MAX_PAINTINGS. */
export function cohortPaintings<T extends { id: number }>(training: readonly T[], seed = COHORT_SEED, max = COHORT_MAX_PAINTINGS): T[] {
  const sorted = [...training].sort((a, b) => a.id - b.id);
  return sorted.length <= max ? sorted : new Rng(seed).sample(sorted, max).sort((a, b) => a.id - b.id);
}

export class Cohort {
  private nearest: Promise<NearestDistances> | null = null;
  private readonly rowOf: Map<number, number>;

  constructor(
    readonly vectors: Float32Array,
    readonly dim: number,
    readonly paintingIds: readonly number[],
    readonly params: CslsParams,
  ) {
    if (vectors.length !== paintingIds.length * dim) throw new RangeError(`cohort of ${paintingIds.length} paintings holds ${vectors.length} values`);
    this.rowOf = new Map(paintingIds.map((id, row) => [id, row]));
  }

  get size(): number {
    return this.paintingIds.length;
  }

  /** Whether the painting is one of the cohort's (its radius then leaves itself out). */
  has(paintingId: number): boolean {
    return this.rowOf.has(paintingId);
  }

  /**
   * The distances of each query row to its `k` nearest cohort paintings, ascending; a query that is
   * a cohort painting (`paintingIds[i]`) is not its own neighbour.
   */
  async nearestDistances(queries: Float32Array, k: number, paintingIds?: readonly (number | null)[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
    this.nearest ??= NearestDistances.create(this.vectors, this.dim, { threads: 1 });
    const nearest = await this.nearest;
    const found = await nearest.kNearest(queries, Math.min(k, this.size), {
      exclude: (i) => {
        const id = paintingIds?.[i];
        return id == null ? -1 : (this.rowOf.get(id) ?? -1);
      },
      onProgress,
    });
    return found.distances;
  }

  /** Radii at the cohort's own K. */
  async radii(queries: Float32Array, paintingIds?: readonly (number | null)[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
    const k = Math.min(this.params.k, this.size);
    if (k === 0) return new Float32Array(queries.length / this.dim);
    return radiiFrom(await this.nearestDistances(queries, k, paintingIds, onProgress), k, k);
  }

  async release(): Promise<void> {
    const n = await this.nearest?.catch(() => null);
    this.nearest = null;
    await n?.release();
  }
}

export async function saveCohort(dir: string, cohort: Cohort, meta: { modelVersion: number; datasetId: number | null; seed: number }): Promise<CohortManifest> {
  const bytes = new Uint8Array(cohort.vectors.buffer, cohort.vectors.byteOffset, cohort.vectors.byteLength);
  // The vectors first: a manifest never names a file that is not there.
  await writeFileAtomic(join(dir, COHORT_F32), bytes);
  const manifest: CohortManifest = {
    format: 1,
    modelVersion: meta.modelVersion,
    datasetId: meta.datasetId,
    split: 'train',
    seed: meta.seed,
    params: cohort.params,
    dim: cohort.dim,
    paintingIds: [...cohort.paintingIds],
    sha256: sha256(bytes),
  };
  await writeJsonAtomic(join(dir, COHORT_JSON), manifest);
  return manifest;
}

/** The stored cohort of a model folder; null when there is none or it does not match its checksum. */
export async function loadCohort(dir: string): Promise<{ cohort: Cohort; manifest: CohortManifest } | null> {
  let manifest: CohortManifest;
  let bytes: Buffer;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, COHORT_JSON), 'utf8')));
    bytes = await readFile(join(dir, COHORT_F32));
  } catch {
    return null;
  }
  if (sha256(bytes) !== manifest.sha256 || bytes.length !== manifest.paintingIds.length * manifest.dim * 4) return null;
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { cohort: new Cohort(vectors, manifest.dim, manifest.paintingIds, manifest.params), manifest };
}
