/**
 * The hnswlib store: a build is an index file under `<dataDir>/indexes/<id>` (written on a worker
 * thread, checksummed, never modified afterwards), loaded whole into each serving process. Live
 * additions and removals are appended to the change log in the database and replayed, in order,
 * by every process that has the build open, so replicas sharing the data directory converge.
 * The paintings' cohort radii are written beside the index file (`radii.json`) and carried by the
 * change log for paintings added live.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { IndexChangeRepository } from '../db/repositories/index-change-repository.js';
import type { IndexBuild } from '../db/types.js';
import { buildIndexInWorker } from '../index/build-in-worker.js';
import { invalid } from '../index/checks.js';
import { VectorIndex } from '../index/vector-index.js';
import { writeJsonAtomic } from '../util/files.js';
import { normaliseStyle, type StoredVector, type BuildVectors, type IndexEntry, type IndexedPainting, type VectorFilter, type VectorHit, type VectorStore, type WriteRequest, type WrittenBuild } from './types.js';

export interface HnswlibStoreDeps {
  dataDir: string;
  catalog: Pick<CatalogRepository, 'corpus'>;
  changes: IndexChangeRepository;
}

export class HnswlibStore implements VectorStore {
  readonly kind = 'hnswlib' as const;

  constructor(private readonly deps: HnswlibStoreDeps) {}

  location(buildId: number): string {
    return join(this.deps.dataDir, 'indexes', String(buildId));
  }

  async write(build: IndexBuild, request: WriteRequest): Promise<WrittenBuild> {
    const built = await buildIndexInWorker({
      vectors: request.vectors,
      labels: request.entries.map((e) => e.id),
      dim: build.dim,
      params: build.params,
      dir: build.dir,
      signal: request.signal,
      onProgress: request.onProgress,
    });
    if (request.entries.some((e) => e.radius != null)) await writeRadii(build.dir, request.entries);
    return { elementCount: built.elementCount, seconds: built.seconds, checksum: built.checksum, bytes: built.bytes };
  }

  async open(build: IndexBuild): Promise<BuildVectors> {
    const index = await VectorIndex.load(build.dir, { expectedChecksum: build.checksum ?? undefined });
    index.setEf(build.params.ef);
    const corpus = await this.deps.catalog.corpus(build.datasetId !== null ? { datasetId: build.datasetId } : {});
    const radii = await readRadii(build.dir);
    const paintings = new Map<number, IndexedPainting>();
    for (const p of corpus) {
      if (index.has(p.id)) paintings.set(p.id, { artistId: p.artistId, split: p.split, style: normaliseStyle(p.style), radius: radii.get(p.id) ?? null });
    }
    const vectors = new HnswlibBuildVectors(build.id, index, paintings, this.deps.changes);
    await vectors.refresh();
    return vectors;
  }

  async drop(build: Pick<IndexBuild, 'dir'>): Promise<void> {
    if (build.dir) await rm(build.dir, { recursive: true, force: true });
  }
}

export class HnswlibBuildVectors implements BuildVectors {
  readonly store = 'hnswlib' as const;
  /** The newest change-log entry applied. */
  private seq = 0;
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(
    readonly buildId: number,
    readonly index: VectorIndex,
    /** Painting id → filter fields. */
    private readonly paintings: Map<number, IndexedPainting>,
    private readonly changes: IndexChangeRepository,
  ) {}

  get dim(): number {
    return this.index.dim;
  }

  get size(): number {
    return this.index.size;
  }

  async search(vector: Float32Array, k: number, filter: VectorFilter = {}): Promise<VectorHit[]> {
    const accept = labelFilter(this.paintings, filter);
    return this.index.search(vector, k, accept).map((h) => {
      const p = this.paintings.get(h.label)!;
      return { ...h, artistId: p.artistId, radius: p.radius ?? null };
    });
  }

  async get(id: number): Promise<StoredVector | null> {
    const p = this.paintings.get(id);
    return p && this.index.has(id) ? { vector: this.index.vector(id), artistId: p.artistId, radius: p.radius ?? null } : null;
  }

  async ids(): Promise<number[]> {
    return this.index.labels();
  }

  async vectors(ids: readonly number[]): Promise<Float32Array> {
    const out = new Float32Array(ids.length * this.dim);
    ids.forEach((id, i) => out.set(this.index.vector(id), i * this.dim));
    return out;
  }

  /** Logged first, then applied with every earlier change, so all replicas apply the same order. */
  async add(entry: IndexEntry, vector: Float32Array): Promise<boolean> {
    if (vector.length !== this.dim) throw invalid(`Vector has length ${vector.length}, expected ${this.dim}`);
    const isNew = !this.index.has(entry.id);
    await this.changes.append(this.buildId, { op: 'add', paintingId: entry.id, artistId: entry.artistId, split: entry.split, style: normaliseStyle(entry.style), vector, radius: entry.radius ?? null });
    await this.refresh();
    return isNew;
  }

  async remove(id: number): Promise<boolean> {
    if (!this.index.has(id)) return false;
    await this.changes.append(this.buildId, { op: 'remove', paintingId: id });
    await this.refresh();
    return true;
  }

  refresh(): Promise<void> {
    // One catch-up at a time: two would apply the same entries twice.
    this.catchingUp = this.catchingUp.then(() => this.applyNewChanges());
    return this.catchingUp;
  }

  close(): void {
    this.paintings.clear();
  }

  private async applyNewChanges(): Promise<void> {
    for (;;) {
      const batch = await this.changes.since(this.buildId, this.seq);
      for (const c of batch) {
        if (c.op === 'add' && c.vector && c.vector.length === this.dim) {
          this.index.add(c.paintingId, c.vector);
          this.paintings.set(c.paintingId, { artistId: c.artistId, split: c.split!, style: c.style, radius: c.radius });
        } else if (c.op === 'remove') {
          this.index.remove(c.paintingId);
          this.paintings.delete(c.paintingId);
        }
        this.seq = c.seq;
      }
      if (batch.length === 0) return;
    }
  }
}

/** The filter as hnswlib's label callback: it runs inside the graph walk, so it must be cheap. */
function labelFilter(paintings: Map<number, IndexedPainting>, filter: VectorFilter): (label: number) => boolean {
  const splits = filter.splits?.length ? new Set<string>(filter.splits) : null;
  const style = normaliseStyle(filter.style);
  const excludeId = filter.excludeId ?? null;
  const excludeArtist = filter.excludeArtistId ?? null;
  const labelledOnly = filter.labelledOnly === true;
  return (label) => {
    if (label === excludeId) return false;
    const p = paintings.get(label);
    if (!p) return false;
    if (labelledOnly && p.artistId === null) return false;
    if (splits && !splits.has(p.split)) return false;
    if (style !== null && p.style !== style) return false;
    return excludeArtist === null || p.artistId !== excludeArtist;
  };
}

/** The radii written with a build, beside its index file. */
export const RADII_FILE = 'radii.json';

const RadiiFile = z.object({ format: z.literal(1), labels: z.array(z.number().int()), radii: z.array(z.number()) });

async function writeRadii(dir: string, entries: readonly IndexEntry[]): Promise<void> {
  const known = entries.filter((e) => e.radius != null);
  await writeJsonAtomic(join(dir, RADII_FILE), { format: 1, labels: known.map((e) => e.id), radii: known.map((e) => e.radius!) });
}

/** Painting id → radius; empty for a build written without a cohort (or a damaged file: served raw). */
async function readRadii(dir: string): Promise<Map<number, number>> {
  try {
    const r = RadiiFile.parse(JSON.parse(await readFile(join(dir, RADII_FILE), 'utf8')));
    if (r.labels.length !== r.radii.length) return new Map();
    return new Map(r.labels.map((l, i) => [l, r.radii[i]]));
  } catch {
    return new Map();
  }
}
