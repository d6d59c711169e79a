/**
 * Feature cache file: "PBFC" magic, uint32 LE header length, a JSON header, zero padding to a
 * 4-byte boundary, then float32 LE rows. Rows are keyed by the sha256 of the image file's bytes and
 * the view, so the same painting under another path or in another dataset is a hit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FeatureBlock } from './style-features.js';

const MAGIC = Buffer.from('PBFC', 'ascii');

export interface CacheHeader {
  format: 1;
  backboneId: string;
  dim: number;
  blocks: FeatureBlock[];
  /** View names; `rowViews[i]` indexes this list. */
  views: string[];
  /** sha256 (hex) of the image file bytes, one per row. */
  keys: string[];
  rowViews: number[];
}

export function rowKey(hash: string, view: string): string {
  return `${hash}|${view}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class FeatureCache {
  /** rowKey(hash, view) → row. */
  readonly rows = new Map<string, Float32Array>();
  blocks: FeatureBlock[] = [];
  dim = 0;

  constructor(readonly backboneId: string) {}

  /** Reads `file`; a missing, unreadable or other-backbone file yields an empty cache. */
  static async load(file: string, backboneId: string): Promise<FeatureCache> {
    const cache = new FeatureCache(backboneId);
    let buf: Buffer;
    try {
      buf = await fs.readFile(file);
    } catch {
      return cache;
    }
    try {
      if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) return cache;
      const headerLen = buf.readUInt32LE(4);
      const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as CacheHeader;
      if (header.format !== 1 || header.backboneId !== backboneId) return cache;
      const start = Math.ceil((8 + headerLen) / 4) * 4;
      const n = header.keys.length;
      if (buf.length < start + n * header.dim * 4) return cache;
      // Copy into an aligned buffer; Buffer pools may hand out unaligned offsets.
      const data = new Float32Array(n * header.dim);
      new Uint8Array(data.buffer).set(buf.subarray(start, start + n * header.dim * 4));
      cache.blocks = header.blocks;
      cache.dim = header.dim;
      for (let i = 0; i < n; i++) {
        cache.rows.set(rowKey(header.keys[i], header.views[header.rowViews[i]]), data.subarray(i * header.dim, (i + 1) * header.dim));
      }
    } catch {
      cache.rows.clear();
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
    const views: string[] = [];
    const keys: string[] = [];
    const rowViews: number[] = [];
    const rows: Float32Array[] = [];
    for (const [k, row] of this.rows) {
      const sep = k.indexOf('|');
      const view = k.slice(sep + 1);
      let vi = views.indexOf(view);
      if (vi < 0) vi = views.push(view) - 1;
      keys.push(k.slice(0, sep));
      rowViews.push(vi);
      rows.push(row);
    }
    const header: CacheHeader = { format: 1, backboneId: this.backboneId, dim: this.dim, blocks: this.blocks, views, keys, rowViews };
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
      const chunkRows = Math.max(1, Math.floor((8 << 20) / (this.dim * 4)));
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
