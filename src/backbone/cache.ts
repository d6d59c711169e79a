/**
 * Feature cache: one file per backbone and view (`<backboneId>/view-<viewKey>.bin` under the cache
 * directory), so a run loads only the views it uses and no file outgrows what one read can hold.
 * A file is "PBFC" magic, uint32 LE header length, a JSON header, zero padding to a 4-byte
 * boundary, then float32 LE rows. Rows are keyed by the sha256 of the image file's bytes, so the
 * same painting under another path or in another dataset is a hit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FeatureBlock } from './style-features.js';

const MAGIC = Buffer.from('PBFC', 'ascii');
const FORMAT = 2;
/** Reads and writes move at most this much at once. */
const CHUNK_BYTES = 64 << 20;

export interface CacheHeader {
  format: typeof FORMAT;
  backboneId: string;
  view: string;
  dim: number;
  blocks: FeatureBlock[];
  /** sha256 (hex) of the image file bytes, one per row. */
  keys: string[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function viewCacheFile(dir: string, view: string): string {
  return path.join(dir, `view-${view}.bin`);
}

export class FeatureCache {
  /** image hash → row. */
  readonly rows = new Map<string, Float32Array>();
  blocks: FeatureBlock[] = [];
  dim = 0;

  constructor(
    readonly backboneId: string,
    readonly view: string,
  ) {}

  /** Reads `file`; a missing, unreadable, truncated or other-backbone file yields an empty cache. */
  static async load(file: string, backboneId: string, view: string): Promise<FeatureCache> {
    const cache = new FeatureCache(backboneId, view);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(file, 'r');
    } catch {
      return cache;
    }
    try {
      const size = (await fh.stat()).size;
      const prefix = Buffer.alloc(8);
      if (size < 8 || (await fh.read(prefix, 0, 8, 0)).bytesRead < 8 || !prefix.subarray(0, 4).equals(MAGIC)) return cache;
      const headerLen = prefix.readUInt32LE(4);
      const headerBuf = Buffer.alloc(headerLen);
      await fh.read(headerBuf, 0, headerLen, 8);
      const header = JSON.parse(headerBuf.toString('utf8')) as CacheHeader;
      if (header.format !== FORMAT || header.backboneId !== backboneId || header.view !== view) return cache;
      const start = Math.ceil((8 + headerLen) / 4) * 4;
      const n = header.keys.length;
      const bytes = n * header.dim * 4;
      if (size < start + bytes) return cache;
      const data = new Float32Array(n * header.dim);
      const target = new Uint8Array(data.buffer);
      for (let off = 0; off < bytes; off += CHUNK_BYTES) {
        const len = Math.min(CHUNK_BYTES, bytes - off);
        const { bytesRead } = await fh.read(target, off, len, start + off);
        if (bytesRead !== len) return cache;
      }
      cache.blocks = header.blocks;
      cache.dim = header.dim;
      for (let i = 0; i < n; i++) cache.rows.set(header.keys[i], data.subarray(i * header.dim, (i + 1) * header.dim));
    } catch {
      cache.rows.clear();
    } finally {
      await fh.close();
    }
    return cache;
  }

  setLayout(dim: number, blocks: FeatureBlock[]): void {
    if (this.dim && this.dim !== dim) {
      // Same backboneId but another layout would be a bug in the id derivation; start afresh.
      this.rows.clear();
    }
    this.dim = dim;
    this.blocks = blocks;
  }

  /** Atomic: writes a temporary file beside `file`, then renames it over. */
  async save(file: string): Promise<void> {
    if (!this.dim) return;
    const keys = [...this.rows.keys()];
    const header: CacheHeader = { format: FORMAT, backboneId: this.backboneId, view: this.view, dim: this.dim, blocks: this.blocks, keys };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(Math.ceil((8 + json.length) / 4) * 4);
    MAGIC.copy(prefix, 0);
    prefix.writeUInt32LE(json.length, 4);
    json.copy(prefix, 8);

    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.write(prefix);
      // Little-endian hosts only (x86, arm64): rows are written as their in-memory bytes.
      const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / 8 / (this.dim * 4)));
      const rows = [...this.rows.values()];
      for (let i = 0; i < rows.length; i += chunkRows) {
        const part = rows.slice(i, i + chunkRows);
        const chunk = new Float32Array(part.length * this.dim);
        part.forEach((r, j) => chunk.set(r, j * this.dim));
        await fh.write(new Uint8Array(chunk.buffer));
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }
}
