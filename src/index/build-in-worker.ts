/**
 * Builds an index in a worker thread, because hnswlib inserts synchronously and a corpus build
 * takes minutes that the server's event loop cannot give up. The worker saves into a private
 * staging directory next to `dir`; only a finished build is moved into `dir` (atomically, via
 * replaceDirectory), so an abort, a crash of the worker or of the process never leaves a
 * half-written `dir`. Load the result with `VectorIndex.load(dir, { expectedChecksum })`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { startWorker } from '../util/start-worker.js';
import { replaceDirectory } from '../util/files.js';
import { checkLabel, checkParams, checkRows } from './checks.js';
import type { BuildJob, BuildReply } from './build-worker.js';
import { INDEX_FILE, MANIFEST_FILE } from './manifest.js';
import type { IndexParams } from './types.js';

const WORKER_MODULE = new URL('./build-worker.js', import.meta.url);

export interface BuildInWorkerOptions {
  /** rows × dim, row i labelled labels[i]. Not modified; shared with the worker, not copied, when already on a SharedArrayBuffer. */
  vectors: Float32Array;
  labels: readonly number[] | Int32Array | Uint32Array;
  dim: number;
  params: IndexParams & { seed?: number };
  dir: string;
  /** Called about every 1% of insertions, and once at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the worker and rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
}

export interface BuildResult {
  checksum: string;
  elementCount: number;
  seconds: number;
  bytes: number;
}

type Done = Extract<BuildReply, { type: 'done' }>;

/** How long a cancelled build may take to reach its next insert boundary before it is terminated. */
const STOP_TIMEOUT_MS = 30_000;

export async function buildIndexInWorker(options: BuildInWorkerOptions): Promise<BuildResult> {
  const { vectors, dim, dir, signal } = options;
  checkRows({ rows: vectors, labels: options.labels, dim });
  const params = checkParams(options.params);
  const labels = new Uint32Array(options.labels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = checkLabel(options.labels[i]);
  signal?.throwIfAborted();

  const started = performance.now();
  const staging = `${dir}.build-${process.pid}-${randomUUID().slice(0, 8)}`;
  await mkdir(staging, { recursive: true });
  try {
    const job: BuildJob = {
      vectors: shareable(vectors),
      labels,
      dim,
      params,
      seed: options.params.seed,
      outDir: join(staging, 'index'),
      progressEvery: Math.max(1, Math.floor(labels.length / 100)),
      cancel: new Int32Array(new SharedArrayBuffer(4)),
    };
    const done = await runWorker(job, options.onProgress, signal);
    signal?.throwIfAborted();
    await replaceDirectory(dir, async (tmp) => {
      for (const file of [INDEX_FILE, MANIFEST_FILE]) await rename(join(job.outDir, file), join(tmp, file));
    });
    return { checksum: done.checksum, elementCount: done.elementCount, bytes: done.bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A view the worker can read without a copy: the same memory when already shared, else one copy into shared memory. */
function shareable(vectors: Float32Array): Float32Array {
  if (vectors.buffer instanceof SharedArrayBuffer) return vectors;
  const shared = new Float32Array(new SharedArrayBuffer(vectors.byteLength));
  shared.set(vectors);
  return shared;
}

function runWorker(job: BuildJob, onProgress: BuildInWorkerOptions['onProgress'], signal: AbortSignal | undefined): Promise<Done> {
  return new Promise<Done>((resolve, reject) => {
    const worker = startWorker(WORKER_MODULE, { ...job });
    let settled = false;
    let exited = false;
    worker.once('exit', () => (exited = true));
    const settle = (outcome: { done: Done } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if ('done' in outcome) {
        resolve(outcome.done);
        return;
      }
      // Ask the thread to stop between two inserts and wait for it, so it cannot write into the
      // staging directory once it is removed. worker.terminate() inside hnswlib's native insert
      // aborts the whole process, so it is only the last resort for a thread that does not stop.
      Atomics.store(job.cancel, 0, 1);
      const forced = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      const finish = () => {
        clearTimeout(forced);
        reject(outcome.error);
      };
      if (exited) finish();
      else worker.once('exit', finish);
    };
    const onAbort = (): void => settle({ error: signal?.reason ?? new DOMException('The index build was aborted', 'AbortError') });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    worker.on('message', (msg: BuildReply) => {
      if (msg.type === 'progress') {
        try {
          onProgress?.(msg.done, msg.total);
        } catch (e) {
          settle({ error: e });
        }
      } else if (msg.type === 'done') {
        settle({ done: msg });
      } else {
        settle({ error: msg.code ? new PainterError(msg.code, msg.message, msg.details) : new Error(`index build failed in the worker: ${msg.message}`) });
      }
    });
    worker.on('error', (e) => settle({ error: new Error(`index build worker crashed: ${e.message}`, { cause: e }) }));
    worker.on('messageerror', (e) => settle({ error: new Error(`index build worker sent an unreadable message: ${e.message}`, { cause: e }) }));
    worker.on('exit', (code) => settle({ error: new Error(`index build worker exited (code ${code}) before finishing`) }));
  });
}
