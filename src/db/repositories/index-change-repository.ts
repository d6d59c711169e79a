/**
 * The live-change log of hnswlib builds: paintings added to or removed from a built index, in
 * order. An index file never changes after its build; every replica loads it and replays the log
 * on top, so an addition made through one replica reaches all of them, and a restart loses none.
 */
import type { PrismaClient } from '../generated/client.js';
import type { PaintingSplit } from '../types.js';

export interface IndexChange {
  seq: number;
  paintingId: number;
  op: 'add' | 'remove';
  artistId: number | null;
  split: PaintingSplit | null;
  style: string | null;
  /** Present for 'add'. */
  vector: Float32Array | null;
  /** The painting's cohort radius ('add' only; null without a cohort). */
  radius: number | null;
}

export type NewIndexChange =
  | { op: 'add'; paintingId: number; artistId: number | null; split: PaintingSplit; style: string | null; vector: Float32Array; radius: number | null }
  | { op: 'remove'; paintingId: number };

export class IndexChangeRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Appends a change; returns its sequence number (increasing across every writer). */
  async append(buildId: number, change: NewIndexChange): Promise<number> {
    const row = await this.prisma.indexChange.create({
      data:
        change.op === 'add'
          ? { buildId, paintingId: change.paintingId, op: 'add', artistId: change.artistId, split: change.split, style: change.style, vector: toBytes(change.vector), radius: change.radius }
          : { buildId, paintingId: change.paintingId, op: 'remove' },
      select: { id: true },
    });
    return row.id;
  }

  /** Changes of a build after `afterSeq`, oldest first, at most `limit`. */
  async since(buildId: number, afterSeq: number, limit = 1000): Promise<IndexChange[]> {
    const rows = await this.prisma.indexChange.findMany({ where: { buildId, id: { gt: afterSeq } }, orderBy: { id: 'asc' }, take: limit });
    return rows.map((r) => ({
      seq: r.id,
      paintingId: r.paintingId,
      op: r.op as IndexChange['op'],
      artistId: r.artistId,
      split: r.split as PaintingSplit | null,
      style: r.style,
      vector: r.vector ? fromBytes(r.vector) : null,
      radius: r.radius,
    }));
  }

  /** The newest sequence number of a build's log (0 when it has none). */
  async latest(buildId: number): Promise<number> {
    const row = await this.prisma.indexChange.findFirst({ where: { buildId }, orderBy: { id: 'desc' }, select: { id: true } });
    return row?.id ?? 0;
  }
}

/** Little-endian float32, whatever the platform. */
export function toBytes(v: Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i], true);
  return out;
}

export function fromBytes(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
