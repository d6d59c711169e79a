/**
 * The two passes of `painter score` over a pairs CSV, apart from the model and the database (the
 * benchmark runs them on synthetic embeddings):
 * - the inventory reads the CSV once: the distinct images, how many pairs name each, a repeated
 *   index refused; on the way it writes each pair as three integers (index, image ids) to a
 *   spill file beside the output, so
 * - the submission does not parse the CSV again: it streams the spill file, writes each pair's
 *   probability in file order (the fallback for a pair with an image that could not be embedded)
 *   and, given labels, the AUC.
 * Memory is flat in the number of pairs; the spill file holds 12 bytes a pair (264 MB for
 * Kaggle's 22 M) and is removed at the end. A CSV whose indices are not plain integers is read a
 * second time instead.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PainterError } from '../errors.js';
import { BinnedAuc } from '../metrics/binned-auc.js';
import type { PairTruth } from './pair-labels.js';
import type { PairScorer } from './pair-scorer.js';
import { IndexSet, type PairReader } from './pairs-csv.js';

/** The probabilities are written with this many decimals (the AUC check counts ties as written). */
export const DECIMALS = 6;
/** Bytes per pair in the spill file: index, image a, image b (uint32 each). */
const SPILL_RECORD = 12;

export interface PairInventory {
  /** Distinct image names, in order of first appearance; a name's id is its position. */
  names: string[];
  idOf: Map<string, number>;
  /** Pairs naming each image. */
  uses: number[];
  pairs: number;
  /** The pairs as integers, when every index is a plain non-negative integer; null otherwise. */
  spill: string | null;
}

/** Streams text to a file, waiting when its buffer is full; a write error is thrown at the next write. */
class Sink {
  private failure: Error | null = null;
  readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (e) => (this.failure ??= e));
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(data)) await new Promise<void>((res) => this.stream.once('drain', res).once('close', res));
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}

const PLAIN_INDEX = /^(0|[1-9]\d{0,9})$/;

/** `spillPath`: where to keep the pairs as integers for the second pass (none: the CSV is read again). */
export async function inventoryPairs(reader: PairReader, label: string, onBytes?: (read: number, total: number) => void, spillPath?: string): Promise<PairInventory> {
  const idOf = new Map<string, number>();
  const names: string[] = [];
  const uses: number[] = [];
  const seen = new IndexSet();
  let pairs = 0;
  const intern = (name: string): number => {
    let id = idOf.get(name);
    if (id === undefined) {
      idOf.set(name, (id = names.length));
      names.push(name);
      uses.push(0);
    }
    uses[id]++;
    return id;
  };
  let sink = spillPath ? new Sink(spillPath) : null;
  try {
    for await (const batch of reader.batches(onBytes)) {
      const record = sink ? new Uint32Array(batch.length * 3) : null;
      for (let r = 0; r < batch.length; r++) {
        const row = batch[r];
        if (!seen.add(row.index)) {
          throw new PainterError('PAIRS_CSV_INVALID', `Line ${row.line} of ${label} repeats the ${reader.columns.names.index ?? 'row'} ${row.index}: each pair needs its own`, {
            line: row.line,
            index: row.index,
          });
        }
        const a = intern(row.a);
        const b = intern(row.b);
        pairs++;
        if (record) {
          const n = Number(row.index);
          if (!PLAIN_INDEX.test(row.index) || n >= 2 ** 32) {
            // Not an integer: the second pass reads the CSV instead.
            sink!.destroy();
            await rm(spillPath!, { force: true });
            sink = null;
          } else {
            record[3 * r] = n;
            record[3 * r + 1] = a;
            record[3 * r + 2] = b;
          }
        }
      }
      if (sink && record) await sink.write(new Uint8Array(record.buffer));
    }
    await sink?.end();
  } catch (e) {
    sink?.destroy();
    if (spillPath) await rm(spillPath, { force: true });
    throw e;
  }
  if (pairs === 0) {
    if (spillPath) await rm(spillPath, { force: true });
    throw new PainterError('PAIRS_CSV_INVALID', `${label} has a header but no pairs`);
  }
  return { names, idOf, uses, pairs, spill: sink ? spillPath! : null };
}

export interface SubmissionOptions {
  /** 1 where an image's embedding exists (by inventory id). */
  ok: Uint8Array;
  scorer: PairScorer;
  fallback: number;
  truth?: PairTruth | null;
  onProgress?: (done: number, total: number) => void;
}

export interface SubmissionResult {
  fallbackPairs: number;
  auc: { value: number; positives: number; negatives: number; unlabelledPairs: number; source: string } | null;
}

/** A pair of the second pass: its index and the inventory ids of its images. */
type PairIds = (emit: (index: string, a: number, b: number) => void | Promise<void>) => Promise<void>;

/** Pairs from the spill file, a few thousand at a time. */
function fromSpill(path: string, onProgress?: (done: number, total: number) => void, total = 0): PairIds {
  return async (emit) => {
    let rest = new Uint8Array(0);
    let done = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: SPILL_RECORD * 87_381 })) {
      const bytes = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      const whole = bytes.length - (bytes.length % SPILL_RECORD);
      // Copied out so the view is aligned for Uint32Array.
      const ints = new Uint32Array(Uint8Array.from(bytes.subarray(0, whole)).buffer);
      rest = Uint8Array.from(bytes.subarray(whole));
      for (let i = 0; i < ints.length; i += 3) {
        const w = emit(String(ints[i]), ints[i + 1], ints[i + 2]);
        if (w) await w;
      }
      done += ints.length / 3;
      onProgress?.(done, total);
    }
  };
}

/** Pairs from the CSV again (indices that are not plain integers). */
function fromCsv(reader: PairReader, inventory: PairInventory, onProgress?: (done: number, total: number) => void): PairIds {
  return async (emit) => {
    for await (const batch of reader.batches(onProgress)) {
      for (const row of batch) {
        const w = emit(row.index, inventory.idOf.get(row.a)!, inventory.idOf.get(row.b)!);
        if (w) await w;
      }
    }
  };
}

/** Writes `index,sameArtist` for every pair to `out` (atomically: a temporary file renamed at the end). */
export async function writeSubmission(reader: PairReader, inventory: PairInventory, out: string, o: SubmissionOptions): Promise<SubmissionResult> {
  const auc = o.truth ? new BinnedAuc(10 ** DECIMALS) : null;
  let unlabelledPairs = 0;
  let fallbackPairs = 0;
  const tmp = `${out}.tmp-${process.pid}`;
  const sink = new Sink(tmp);
  const pairs = inventory.spill ? fromSpill(inventory.spill, o.onProgress, inventory.pairs) : fromCsv(reader, inventory, o.onProgress);
  const truth = o.truth;
  let text: string[] = ['index,sameArtist\n'];
  try {
    const label = (same: boolean | null, written: string) => {
      if (same === null) unlabelledPairs++;
      else auc!.add(Number(written), same);
    };
    // Synchronous per pair; a promise only when the output buffer is written or a solution file read.
    await pairs((index, a, b) => {
      let p: number;
      if (o.ok[a] && o.ok[b]) p = o.scorer.probability(a, b);
      else {
        p = o.fallback;
        fallbackPairs++;
      }
      const written = p.toFixed(DECIMALS);
      text.push(`${index},${written}\n`);
      let pending: Promise<void> | null = null;
      if (truth && auc) {
        if (truth.kind === 'pairs') pending = truth.next(index).then((same) => label(same, written));
        else label(sameArtist(truth, inventory.names[a], inventory.names[b]), written);
      }
      if (text.length >= 65_536) {
        const chunk = text.join('');
        text = [];
        pending = pending ? pending.then(() => sink.write(chunk)) : sink.write(chunk);
      }
      return pending ?? undefined;
    });
    await sink.write(text.join(''));
    await sink.end();
    await rename(tmp, out);
  } catch (e) {
    sink.destroy();
    await rm(tmp, { force: true });
    throw e;
  } finally {
    if (inventory.spill) await rm(inventory.spill, { force: true });
  }
  const counts = auc?.counts;
  return {
    fallbackPairs,
    auc: auc && counts && truth ? { value: auc.auc(), positives: counts.positives, negatives: counts.negatives, unlabelledPairs, source: truth.source } : null,
  };
}

function sameArtist(truth: Extract<PairTruth, { kind: 'artists' }>, a: string, b: string): boolean | null {
  const x = truth.artistOf(a);
  const y = truth.artistOf(b);
  return x === null || y === null ? null : x === y;
}
