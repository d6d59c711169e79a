/**
 * Where the vectors of an index build live and how they are searched. Two implementations answer
 * the same contract (test/vector-store/contract.ts runs one suite against both):
 *
 * - `hnswlib`: one checksummed file per build under the data directory, loaded into every
 *   replica's memory; live additions and removals go through a change log in the database that
 *   each replica replays.
 * - `pgvector`: one table per build in the metadata PostgreSQL (`halfvec` with an HNSW index);
 *   replicas hold nothing and every change is visible to all at once.
 *
 * Filters are part of the call, not a callback, so a store can evaluate them where the vectors
 * are (inside hnswlib's graph walk, or in the SQL of a pgvector scan).
 */
import type { IndexBuild, PaintingSplit } from '../db/types.js';
import type { VectorStoreKind } from '../config.js';

/** What filters need to know about an indexed painting, and what a hit carries back. */
export interface IndexedPainting {
  /** Null for an unlabelled painting (artist unknown): searched and compared, never counted as an artist. */
  artistId: number | null;
  split: PaintingSplit;
  /** Lower-cased, for case-insensitive filtering. */
  style: string | null;
  /**
   * The painting's cohort radius (mean distance to its K nearest cohort paintings), measured
   * when it entered the build; null when the build was written without a cohort.
   */
  radius?: number | null;
}

export interface IndexEntry extends IndexedPainting {
  /** The painting id: the label of its vector. */
  id: number;
}

export interface VectorFilter {
  /** Never returned (a query painting is not its own neighbour). */
  excludeId?: number | null;
  /** Only paintings of these splits. */
  splits?: readonly PaintingSplit[] | null;
  /** Only paintings of this style (compared lower-cased). */
  style?: string | null;
  /** Leave this artist's paintings out (unlabelled paintings stay). */
  excludeArtistId?: number | null;
  /** Leave unlabelled paintings out: what artist rankings search, since they are never an artist. */
  labelledOnly?: boolean;
}

/** One neighbour: `distance` is Euclidean (not squared), nearest first. */
export interface VectorHit {
  label: number;
  distance: number;
  /** Null for an unlabelled painting. */
  artistId: number | null;
  /** Its cohort radius as stored with the build; null when none was. */
  radius: number | null;
}

/** A stored painting: its vector and what a hit would carry. */
export interface StoredVector {
  vector: Float32Array;
  artistId: number | null;
  radius: number | null;
}

/** The vectors of one complete build, as one process serves them. */
export interface BuildVectors {
  readonly buildId: number;
  readonly store: VectorStoreKind;
  readonly dim: number;
  /** Live vectors (kept current by this process's changes and by `refresh`). */
  readonly size: number;
  /**
   * The k nearest vectors that pass the filter, nearest first. k is clipped to what exists; a
   * filter that leaves fewer than k paintings gives fewer.
   */
  search(vector: Float32Array, k: number, filter?: VectorFilter): Promise<VectorHit[]>;
  /** A painting's stored vector, artist and radius; null when it is not in this build. */
  get(id: number): Promise<StoredVector | null>;
  /** Live ids, ascending. */
  ids(): Promise<number[]>;
  /** The vectors of `ids` (all present), as rows in that order. */
  vectors(ids: readonly number[]): Promise<Float32Array>;
  /** Inserts or replaces one painting's vector; true when it was not in the build before. */
  add(entry: IndexEntry, vector: Float32Array): Promise<boolean>;
  /** False when the painting was not in the build. */
  remove(id: number): Promise<boolean>;
  /** Catches up with changes made by other processes. */
  refresh(): Promise<void>;
  /** Frees what this process holds (memory, prepared state); the build itself stays. */
  close(): void;
}

export interface WriteRequest {
  /** rows × dim, row i the vector of entries[i]. */
  vectors: Float32Array;
  entries: readonly IndexEntry[];
  signal?: AbortSignal;
  /** Insert progress; `phase` names what a long step is doing. */
  onProgress?: (done: number, total: number) => void;
}

export interface WrittenBuild {
  elementCount: number;
  seconds: number;
  /** sha256 of what was written (the index file; for pgvector the vectors in insertion order). */
  checksum: string;
  /** Bytes on disk (file, or table + index). */
  bytes: number;
}

export interface VectorStore {
  readonly kind: VectorStoreKind;
  /** Where a build's vectors go, recorded as the build's `dir`: a folder or a table. */
  location(buildId: number): string;
  /** Writes a new build's vectors; the build row exists and is 'building'. Nothing is served from it yet. */
  write(build: IndexBuild, request: WriteRequest): Promise<WrittenBuild>;
  /** Opens a complete build for serving; INDEX_CORRUPT when its vectors are missing or damaged. */
  open(build: IndexBuild): Promise<BuildVectors>;
  /** Deletes a build's vectors (files or table); harmless when they are already gone. */
  drop(build: Pick<IndexBuild, 'id' | 'dir' | 'store'>): Promise<void>;
}

/** Lower-cased style, as filters compare it. */
export function normaliseStyle(style: string | null | undefined): string | null {
  return style ? style.toLowerCase() : null;
}
