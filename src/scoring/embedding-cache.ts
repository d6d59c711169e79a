/**
 * Embeddings of image files by one model, kept on disk so an interrupted `painter score` or
 * `painter embed` resumes where it stopped. An append-only file per model (its version and
 * weights checksum in the header): each record is a file's key (absolute path, size and
 * modification time, so a changed file is embedded again) and its vector. Records are appended in
 * small groups as they are computed; a record cut short by a crash is ignored and overwritten.
 *
 *   "PEMB" | u32 format (1) | u32 dim | u32 header length | header JSON
 *   records: u32 key length | key (UTF-8) | dim × f32
 */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

const MAGIC = Buffer.from('PEMB');
const FORMAT = 1;
/** Records buffered before they are written: a crash loses at most these. */
const FLUSH_EVERY = 64;

export interface CacheIdentity {
  modelVersion: number;
  /** Weights checksum: a retrained version with the same number never reuses old vectors. */
  modelChecksum: string | null;
  dim: number;
}

/** The key of a file as it is now. */
export async function fileKey(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${path}\u0000${s.size}\u0000${Math.trunc(s.mtimeMs)}`;
  } catch {
    return null;
  }
}

export class EmbeddingCache {
  private pending: Buffer[] = [];
  private pendingCount = 0;
  private writing: Promise<void> = Promise.resolve();
  /** A failed write, reported by close(). */
  private failure: unknown = null;

  private constructor(
    private readonly handle: FileHandle,
    readonly dim: number,
    private readonly vectors: Map<string, Float32Array>,
    readonly path: string,
  ) {}

  /** Opens (or starts) the cache file; one made for another model or dimension is started afresh. */
  static async open(path: string, identity: CacheIdentity): Promise<EmbeddingCache> {
    await mkdir(dirname(path), { recursive: true });
    const header = Buffer.from(JSON.stringify({ modelVersion: identity.modelVersion, modelChecksum: identity.modelChecksum }));
    const prefix = Buffer.alloc(16);
    MAGIC.copy(prefix, 0);
    prefix.writeUInt32LE(FORMAT, 4);
    prefix.writeUInt32LE(identity.dim, 8);
    prefix.writeUInt32LE(header.length, 12);
    const expected = Buffer.concat([prefix, header]);

    const vectors = new Map<string, Float32Array>();
    let good = 0;
    const bytes = await readFile(path).catch(() => null);
    if (bytes && bytes.length >= expected.length && bytes.subarray(0, expected.length).equals(expected)) {
      good = expected.length;
      const recordBytes = identity.dim * 4;
      let at = good;
      while (at + 4 <= bytes.length) {
        const keyLength = bytes.readUInt32LE(at);
        const end = at + 4 + keyLength + recordBytes;
        if (end > bytes.length) break;
        const key = bytes.toString('utf8', at + 4, at + 4 + keyLength);
        const start = at + 4 + keyLength;
        vectors.set(key, new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end)));
        at = good = end;
      }
    }
    const handle = await open(path, good > 0 ? 'r+' : 'w+');
    if (good === 0) await handle.write(expected, 0, expected.length, 0);
    // Whatever follows the last whole record (a write cut short) is dropped.
    await handle.truncate(good > 0 ? good : expected.length);
    return new EmbeddingCache(handle, identity.dim, vectors, path);
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  /** Records a vector; written with the next group. */
  put(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new RangeError(`cache of ${this.dim}-d vectors given ${vector.length} values`);
    this.vectors.set(key, vector);
    const k = Buffer.from(key, 'utf8');
    const rec = Buffer.alloc(4 + k.length + this.dim * 4);
    rec.writeUInt32LE(k.length, 0);
    k.copy(rec, 4);
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(rec, 4 + k.length);
    this.pending.push(rec);
    if (++this.pendingCount >= FLUSH_EVERY) void this.flush().catch(() => undefined);
  }

  /** Writes what is buffered (appends in order, one group at a time). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const group = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingCount = 0;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        const { size } = await this.handle.stat();
        await this.handle.write(group, 0, group.length, size);
      } catch (e) {
        this.failure = e;
      }
    });
    return this.writing;
  }

  /** Writes the rest and closes; a write that failed on the way is thrown here. */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.sync().catch(() => undefined);
    await this.handle.close();
    if (this.failure) throw this.failure;
  }
}
