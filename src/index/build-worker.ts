/** Worker thread body for `buildIndexInWorker`: inserts every row, reports progress, saves. */
import { parentPort, workerData } from 'node:worker_threads';
import { isPainterError, type ErrorCode } from '../errors.js';
import type { IndexParams } from './types.js';
import { VectorIndex } from './vector-index.js';

export interface BuildJob {
  /** rows × dim, backed by a SharedArrayBuffer. */
  vectors: Float32Array;
  labels: Uint32Array;
  dim: number;
  params: IndexParams;
  seed?: number;
  /** Directory the worker saves into (a staging directory owned by the caller). */
  outDir: string;
  progressEvery: number;
  /** Set to 1 by the caller to stop the build between two inserts. */
  cancel: Int32Array;
}

export type BuildReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; checksum: string; bytes: number; elementCount: number }
  | { type: 'failed'; message: string; code?: ErrorCode; details?: Record<string, unknown> };

const port = parentPort;
if (!port) throw new Error('build-worker.ts must run in a worker thread');
const job = workerData as BuildJob;

try {
  const total = job.labels.length;
  const index = VectorIndex.create(job.dim, { ...job.params, seed: job.seed, capacity: Math.max(total, 1) });
  port.postMessage({ type: 'progress', done: 0, total } satisfies BuildReply);
  for (let i = 0; i < total; i++) {
    // Checked between inserts: terminating the thread inside hnswlib's native insert aborts the process.
    if (Atomics.load(job.cancel, 0) !== 0) throw new Error('cancelled');
    index.add(job.labels[i], job.vectors.subarray(i * job.dim, (i + 1) * job.dim));
    const done = i + 1;
    if (done % job.progressEvery === 0 || done === total) port.postMessage({ type: 'progress', done, total } satisfies BuildReply);
  }
  if (Atomics.load(job.cancel, 0) !== 0) throw new Error('cancelled');
  const saved = await index.save(job.outDir);
  port.postMessage({ type: 'done', ...saved, elementCount: index.size } satisfies BuildReply);
} catch (e) {
  const reply: BuildReply = isPainterError(e)
    ? { type: 'failed', message: e.message, code: e.code, details: e.details }
    : { type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  port.postMessage(reply);
}
