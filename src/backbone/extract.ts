/**
 * Frozen-backbone features for many images: content-hash cache first, then the missing rows from a
 * pool of worker threads. The wasm backend is single-threaded inside a Node process, so throughput
 * scales with threads (one tfjs instance and model copy each), not with batch size.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { PainterError } from '../errors.js';
import { startWorker } from '../util/start-worker.js';
import { FeatureCache, rowKey, sha256Hex } from './cache.js';
import {
  BackboneFeaturizer,
  backboneIdOf,
  decodeBatch,
  DEFAULT_BACKBONE_SPEC,
  featurizeBatch,
  type BackboneSpec,
  type BackboneView,
} from './features.js';
import type { FeatureBlock } from './style-features.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export type { BackboneSpec, BackboneView } from './features.js';
export type { FeatureBlock } from './style-features.js';
export { DEFAULT_BACKBONE_SPEC, backboneIdOf } from './features.js';

export interface ExtractOptions {
  /** Binary feature cache; rows found there (same backboneId, same file bytes) are not recomputed. */
  cacheFile?: string;
  /** Worker threads; default = available cores; 0 computes in this thread (sets its tfjs backend). */
  workers?: number;
  batchSize?: number;
  /** Default ['center']. */
  views?: BackboneView[];
  onProgress?(done: number, total: number, imagesPerSecond: number): void;
  spec?: BackboneSpec;
  /** Unreadable images get NaN rows and are listed in `failed` instead of rejecting. */
  skipUnreadable?: boolean;
}

export interface ExtractResult {
  dim: number;
  /** One per requested view: paths.length × dim, row-major. */
  views: Float32Array[];
  blocks: FeatureBlock[];
  backboneId: string;
  failed: { path: string; message: string }[];
  stats: { extracted: number; cached: number; seconds: number; workers: number };
}

interface Job {
  hash: string;
  path: string;
  view: BackboneView;
}

interface Task {
  id: number;
  jobs: Job[];
  view: BackboneView;
}

interface TaskResult {
  rows: Float32Array;
  failures: { index: number; message: string }[];
}

const CHECKPOINT_MS = 90_000;
const WORKER_MODULE = new URL('./worker.js', import.meta.url);

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

function unreadable(failed: { path: string; message: string }[]): PainterError {
  const first = failed[0];
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return new PainterError('IMAGE_UNREADABLE', `${first.message}${more}`, { path: first.path, paths: failed.map((f) => f.path) });
}

type Layout = { dim: number; blocks: FeatureBlock[] };

/** Runs tasks in this thread. */
async function runInProcess(
  spec: BackboneSpec,
  tasks: Task[],
  onReady: (l: Layout) => void,
  onResult: (t: Task, r: TaskResult) => Promise<boolean>,
): Promise<void> {
  const f = await BackboneFeaturizer.create(spec);
  try {
    onReady({ dim: f.dim, blocks: f.blocks });
    let pending = tasks.length ? decodeBatch(f, tasks[0].jobs.map((j) => j.path), tasks[0].view) : null;
    for (let i = 0; i < tasks.length; i++) {
      const decoded = await pending!;
      const nt = tasks[i + 1];
      pending = nt ? decodeBatch(f, nt.jobs.map((j) => j.path), nt.view) : null;
      const rows = featurizeBatch(f, decoded);
      if (!(await onResult(tasks[i], { rows, failures: decoded.failures }))) {
        await pending?.catch(() => undefined);
        break;
      }
    }
  } finally {
    f.dispose();
  }
}

/** Runs tasks on `n` worker threads, keeping two batches queued per worker. */
function runPool(
  spec: BackboneSpec,
  n: number,
  tasks: Task[],
  onReady: (l: Layout) => void,
  onResult: (t: Task, r: TaskResult) => Promise<boolean>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const inFlight = new Map<Worker, Task[]>();
    let next = 0;
    let outstanding = tasks.length;
    let ready = false;
    let finished = false;
    let stopping = false;
    let chain = Promise.resolve();

    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      // terminate() resolves once the thread is gone; wait so no thread outlives the call.
      void Promise.all(workers.map((w) => w.terminate())).finally(() => {
        if (err) reject(err);
        else resolve();
      });
    };
    const dispatch = (w: Worker) => {
      const queue = inFlight.get(w)!;
      while (!stopping && queue.length < 2 && next < tasks.length) {
        const t = tasks[next++];
        queue.push(t);
        w.postMessage({ type: 'task', id: t.id, paths: t.jobs.map((j) => j.path), view: t.view } satisfies WorkerRequest);
      }
    };

    for (let i = 0; i < n; i++) {
      const w = startWorker(WORKER_MODULE, { spec });
      workers.push(w);
      inFlight.set(w, []);
      w.on('message', (msg: WorkerReply) => {
        if (finished) return;
        if (msg.type === 'fatal') return finish(new Error(`backbone worker failed: ${msg.message}`));
        if (msg.type === 'ready') {
          if (!ready) onReady({ dim: msg.dim, blocks: msg.blocks });
          ready = true;
          if (tasks.length === 0) return finish();
          return dispatch(w);
        }
        const queue = inFlight.get(w)!;
        const k = queue.findIndex((t) => t.id === msg.id);
        const task = queue.splice(k, 1)[0];
        dispatch(w);
        // Results are handled one at a time (cache checkpoints are async).
        chain = chain
          .then(async () => {
            if (finished) return;
            const keepGoing = await onResult(task, { rows: msg.rows, failures: msg.failures });
            outstanding--;
            if (!keepGoing) {
              stopping = true;
              finish();
            } else if (outstanding === 0) finish();
          })
          .catch((e) => finish(e));
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!finished) finish(new Error(`backbone worker exited early (code ${code})`));
      });
    }
  });
}

export async function extractBackboneFeatures(paths: string[], opts: ExtractOptions = {}): Promise<ExtractResult> {
  const t0 = Date.now();
  const spec = opts.spec ?? DEFAULT_BACKBONE_SPEC;
  const views = opts.views ?? ['center'];
  const batchSize = Math.max(1, opts.batchSize ?? 8);
  const backboneId = backboneIdOf(spec);
  const cache = opts.cacheFile ? await FeatureCache.load(opts.cacheFile, backboneId) : new FeatureCache(backboneId);
  const failed: { path: string; message: string }[] = [];

  const hashes = await mapLimit(paths, 16, async (p) => {
    try {
      return sha256Hex(await fs.readFile(p));
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      failed.push({ path: p, message: `${p}: cannot read file (${why})` });
      return null;
    }
  });
  if (failed.length && !opts.skipUnreadable) throw unreadable(failed);

  const jobs: Job[] = [];
  const seen = new Set<string>();
  let cachedRows = 0;
  for (const view of views) {
    hashes.forEach((hash, i) => {
      if (!hash) return;
      const key = rowKey(hash, view);
      if (seen.has(key)) return;
      seen.add(key);
      if (cache.rows.has(key)) cachedRows++;
      else jobs.push({ hash, path: paths[i], view });
    });
  }

  const tasks: Task[] = [];
  for (const view of views) {
    const mine = jobs.filter((j) => j.view === view);
    for (let i = 0; i < mine.length; i += batchSize) tasks.push({ id: tasks.length, jobs: mine.slice(i, i + batchSize), view });
  }

  const total = seen.size;
  let extracted = 0;
  let unsaved = 0;
  let lastSave = Date.now();
  let tStart = 0;
  const workerCount = Math.min(opts.workers ?? os.availableParallelism(), tasks.length);
  const onResult = async (task: Task, r: TaskResult): Promise<boolean> => {
    if (!tStart) tStart = Date.now();
    const bad = new Set(r.failures.map((f) => f.index));
    for (const f of r.failures) failed.push({ path: task.jobs[f.index].path, message: f.message });
    task.jobs.forEach((job, i) => {
      if (bad.has(i)) return;
      // Each row gets its own buffer so the batch buffer is not kept alive by one cached row.
      cache.rows.set(rowKey(job.hash, job.view), r.rows.slice(i * cache.dim, (i + 1) * cache.dim));
    });
    extracted += task.jobs.length - bad.size;
    unsaved += task.jobs.length - bad.size;
    const secs = (Date.now() - t0) / 1000;
    opts.onProgress?.(cachedRows + extracted, total, extracted / Math.max(secs, 1e-3));
    if (r.failures.length && !opts.skipUnreadable) return false;
    if (opts.cacheFile && unsaved && Date.now() - lastSave > CHECKPOINT_MS) {
      await cache.save(opts.cacheFile);
      unsaved = 0;
      lastSave = Date.now();
    }
    return true;
  };

  let layout: Layout | undefined = cache.dim ? { dim: cache.dim, blocks: cache.blocks } : undefined;
  if (tasks.length || !layout) {
    // The model reports the row layout before its first result.
    const onReady = (l: Layout) => {
      cache.setLayout(l.dim, l.blocks);
      layout = l;
    };
    if (workerCount > 0) await runPool(spec, workerCount, tasks, onReady, onResult);
    else await runInProcess(spec, tasks, onReady, onResult);
  }
  if (opts.cacheFile && (unsaved || extracted)) await cache.save(opts.cacheFile);
  if (failed.length && !opts.skipUnreadable) throw unreadable(failed);

  const { dim, blocks } = layout!;
  const out = views.map(() => new Float32Array(paths.length * dim).fill(NaN));
  views.forEach((view, v) => {
    hashes.forEach((hash, i) => {
      const row = hash ? cache.rows.get(rowKey(hash, view)) : undefined;
      if (row) out[v].set(row, i * dim);
    });
  });
  return {
    dim,
    views: out,
    blocks,
    backboneId,
    failed,
    stats: { extracted, cached: cachedRows, seconds: (Date.now() - t0) / 1000, workers: workerCount },
  };
}
