/**
 * An HNSW index of labelled vectors under Euclidean distance (hnswlib, space 'l2'), with checked
 * persistence. Labels are uint32 (painting ids). All calls except `save`/`load` are synchronous
 * and run on the calling thread; bulk builds belong in `buildIndexInWorker`.
 */
import { open, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { replaceDirectory, sha256File } from '../util/files.js';
import { checkDim, checkEf, checkK, checkLabel, checkParams, checkVector, invalid } from './checks.js';
import { inspectHnswFile } from './hnsw-file.js';
import { FORMAT_VERSION, INDEX_FILE, MANIFEST_FILE, indexCorrupt, readManifest, type IndexManifest } from './manifest.js';
import type { IndexParams, LabelFilter, SearchHit } from './types.js';

// hnswlib-node is CommonJS with `module.exports = addon`: only the default import works under ESM.
const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface CreateOptions extends IndexParams {
  /** Initial number of slots; grows by doubling. */
  capacity?: number;
  /** Seeds hnswlib's level draws: same seed + same insertion order = same graph. */
  seed?: number;
}

export interface SavedIndex {
  /** sha256 (hex) of index.hnsw, to be recorded with the build and passed back to `load`. */
  checksum: string;
  bytes: number;
}

export interface LoadOptions {
  /** The checksum recorded elsewhere (the database); the files must match it too. */
  expectedChecksum?: string;
}

const DEFAULT_CAPACITY = 1024;
const MIN_GROWTH = 64;
const DEFAULT_SEED = 100;

export class VectorIndex {
  private constructor(
    private readonly hnsw: Hnsw,
    readonly dim: number,
    private readonly current: IndexParams,
    readonly seed: number,
    private readonly live: Set<number>,
    /** Labels whose slot is still in the graph, marked deleted. */
    private readonly deleted: Set<number>,
  ) {}

  static create(dim: number, options: CreateOptions): VectorIndex {
    checkDim(dim);
    const params = checkParams(options);
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    const seed = options.seed ?? DEFAULT_SEED;
    if (!Number.isInteger(capacity) || capacity < 1) throw invalid(`Index capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalid(`Index seed must be a uint32, got ${seed}`);
    const hnsw = new HierarchicalNSW('l2', dim);
    hnsw.initIndex(capacity, params.M, params.efConstruction, seed, false);
    hnsw.setEf(params.ef);
    return new VectorIndex(hnsw, dim, params, seed, new Set(), new Set());
  }

  /**
   * Opens a saved index. Size and sha256 are checked against the manifest (and `expectedChecksum`)
   * and the header is validated before hnswlib reads the file, because hnswlib may crash the
   * process on a damaged one. Any problem is INDEX_CORRUPT naming the file.
   */
  static async load(dir: string, options: LoadOptions = {}): Promise<VectorIndex> {
    const manifest = await readManifest(dir);
    const file = join(dir, INDEX_FILE);
    await verifyIndexFile(dir, manifest, options.expectedChecksum);

    const hnsw = new HierarchicalNSW('l2', manifest.dim);
    try {
      await hnsw.readIndex(file, false);
    } catch (e) {
      throw indexCorrupt(dir, INDEX_FILE, `hnswlib could not read it (${e instanceof Error ? e.message : String(e)})`);
    }
    const ids = hnsw.getIdsList();
    const deleted = new Set(manifest.deletedLabels);
    const slots = new Set(ids);
    if (slots.size !== hnsw.getCurrentCount() || deleted.size !== manifest.deletedLabels.length || [...deleted].some((l) => !slots.has(l))) {
      throw indexCorrupt(dir, INDEX_FILE, 'its labels do not match the manifest');
    }
    const live = new Set(ids.filter((l) => !deleted.has(l)));
    if (live.size !== manifest.elementCount) {
      throw indexCorrupt(dir, INDEX_FILE, `holds ${live.size} live elements, the manifest records ${manifest.elementCount}`);
    }
    hnsw.setEf(manifest.params.ef);
    return new VectorIndex(hnsw, manifest.dim, { ...manifest.params }, manifest.seed, live, deleted);
  }

  get params(): IndexParams {
    return { ...this.current };
  }

  /** Live (not removed) elements. */
  get size(): number {
    return this.live.size;
  }

  /** Allocated slots; removed elements keep theirs until the next rebuild. */
  get capacity(): number {
    return this.hnsw.getMaxElements();
  }

  has(label: number): boolean {
    return this.live.has(label);
  }

  /** Live labels, ascending. */
  labels(): number[] {
    return [...this.live].sort((a, b) => a - b);
  }

  /**
   * Inserts a vector. A label already present gets its vector replaced in place (hnswlib
   * relinks its neighbourhood); a removed label comes back with the new vector. Neither takes a
   * new slot. When all slots are used the capacity doubles.
   */
  add(label: number, vector: Float32Array | readonly number[]): void {
    checkLabel(label);
    checkVector(vector, this.dim);
    if (!this.live.has(label) && !this.deleted.has(label)) this.reserveSlot();
    // hnswlib accepts only plain arrays.
    this.hnsw.addPoint(Array.from(vector), label);
    this.deleted.delete(label);
    this.live.add(label);
  }

  /** Marks a label deleted; false when it is not in the index (so removing twice is harmless). */
  remove(label: number): boolean {
    if (!this.live.has(label)) return false;
    this.hnsw.markDelete(label);
    this.live.delete(label);
    this.deleted.add(label);
    return true;
  }

  /** The stored vector of a live label (as float32, the precision hnswlib keeps). */
  vector(label: number): Float32Array {
    if (!this.live.has(label)) throw invalid(`Label ${label} is not in the index`);
    return Float32Array.from(this.hnsw.getPoint(label));
  }

  /**
   * The k nearest live labels, nearest first, with Euclidean distances. k is clipped to the
   * live count. With a filter, hnswlib keeps walking the graph until it has k accepted labels, so
   * a very selective filter costs up to a full scan and may return fewer than k.
   */
  search(vector: Float32Array | readonly number[], k: number, filter?: LabelFilter): SearchHit[] {
    checkVector(vector, this.dim, 'Query vector');
    const n = Math.min(checkK(k), this.live.size);
    if (n === 0) return [];
    // An exception thrown inside hnswlib's filter callback aborts the process: catch it here and
    // rethrow once the native search has returned.
    const failure: { error?: unknown; thrown: boolean } = { thrown: false };
    const guarded =
      filter &&
      ((label: number): boolean => {
        if (failure.thrown) return false;
        try {
          return Boolean(filter(label));
        } catch (error) {
          Object.assign(failure, { error, thrown: true });
          return false;
        }
      });
    const { distances, neighbors } = this.hnsw.searchKnn(Array.from(vector), n, guarded);
    if (failure.thrown) throw failure.error;
    // The 'l2' space reports squared distances.
    return neighbors.map((label, i) => ({ label, distance: Math.sqrt(distances[i]) }));
  }

  setEf(ef: number): void {
    this.hnsw.setEf(checkEf(ef));
    this.current.ef = ef;
  }

  /**
   * Writes index.hnsw and manifest.json into a fresh directory that then replaces `dir`, so a
   * crash leaves either the old files or the new ones. The graph is written synchronously (it
   * blocks for roughly the time to copy the file into the page cache) because hnswlib's async
   * writer reads the graph from another thread while later add/remove calls would modify it.
   */
  async save(dir: string): Promise<SavedIndex> {
    let saved: SavedIndex | undefined;
    await replaceDirectory(dir, async (tmp) => {
      try {
        saved = await this.writeFiles(tmp);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw e;
      }
    });
    return saved!;
  }

  private async writeFiles(tmp: string): Promise<SavedIndex> {
    const file = join(tmp, INDEX_FILE);
    this.hnsw.writeIndexSync(file);
    // Capture what the file holds before an await lets the index change.
    const slots = this.live.size + this.deleted.size;
    const snapshot = {
      params: this.params,
      elementCount: this.live.size,
      deletedLabels: [...this.deleted].sort((a, b) => a - b),
    };
    await syncFile(file);
    // hnswlib's writer does not report I/O errors (a full disk gives a short file).
    const info = await inspectHnswFile(file).catch((e: Error) => {
      throw indexCorrupt(tmp, INDEX_FILE, `was written incompletely (${e.message})`);
    });
    if (info.elementCount !== slots) throw indexCorrupt(tmp, INDEX_FILE, `has ${info.elementCount} elements, expected ${slots}`);
    const checksum = await sha256File(file);
    const manifest: IndexManifest = {
      formatVersion: FORMAT_VERSION,
      space: 'l2',
      dim: this.dim,
      seed: this.seed,
      ...snapshot,
      checksum,
      bytes: info.bytes,
      createdAt: new Date().toISOString(),
    };
    const manifestPath = join(tmp, MANIFEST_FILE);
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    await syncFile(manifestPath);
    return { checksum, bytes: info.bytes };
  }

  private reserveSlot(): void {
    const capacity = this.hnsw.getMaxElements();
    if (this.hnsw.getCurrentCount() >= capacity) this.hnsw.resizeIndex(Math.max(2 * capacity, MIN_GROWTH));
  }
}

/** Size, checksums and header of index.hnsw against its manifest, all before hnswlib touches it. */
async function verifyIndexFile(dir: string, manifest: IndexManifest, expectedChecksum: string | undefined): Promise<void> {
  const file = join(dir, INDEX_FILE);
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw indexCorrupt(dir, INDEX_FILE, code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? String(e)})`);
  }
  if (bytes !== manifest.bytes) {
    throw indexCorrupt(dir, INDEX_FILE, `is ${bytes} bytes but the manifest records ${manifest.bytes} (truncated or replaced)`, { bytes });
  }
  const checksum = await sha256File(file);
  if (checksum !== manifest.checksum) {
    throw indexCorrupt(dir, INDEX_FILE, `checksum mismatch: sha256 is ${checksum}, the manifest records ${manifest.checksum}`, { checksum });
  }
  if (expectedChecksum !== undefined && checksum !== expectedChecksum) {
    throw indexCorrupt(dir, INDEX_FILE, `checksum mismatch: sha256 is ${checksum}, expected ${expectedChecksum}`, { checksum, expectedChecksum });
  }
  let info;
  try {
    info = await inspectHnswFile(file);
  } catch (e) {
    throw indexCorrupt(dir, INDEX_FILE, `is not a valid index file (${e instanceof Error ? e.message : String(e)})`);
  }
  const { params } = manifest;
  const slots = manifest.elementCount + manifest.deletedLabels.length;
  if (info.dim !== manifest.dim) throw indexCorrupt(dir, INDEX_FILE, `holds ${info.dim}-d vectors, the manifest records ${manifest.dim}`);
  if (info.M !== params.M || info.efConstruction !== Math.max(params.efConstruction, params.M)) {
    throw indexCorrupt(dir, INDEX_FILE, `was built with M=${info.M}, efConstruction=${info.efConstruction}, not as the manifest records`);
  }
  if (info.elementCount !== slots) throw indexCorrupt(dir, INDEX_FILE, `holds ${info.elementCount} elements, the manifest records ${slots}`);
}

/** Flush to disk before the rename publishes the file, so a power cut cannot expose an empty one. */
async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
