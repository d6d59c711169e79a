/**
 * Frozen-backbone features for many images and views: the content-hash cache first, then the
 * missing rows from a feature runner — ONNX Runtime sessions on every core by default, tfjs-wasm
 * worker threads as the fallback. Unreadable images are listed, or reject the call. A combined
 * spec extracts (or finds cached) each backbone's rows on their own and lays them side by side.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { FeatureCache, sha256Hex, viewCacheFile } from './cache.js';
import { concatRows } from './combine.js';
import { backboneDir } from './feature-graphs.js';
import { backboneIdOf, DEFAULT_BACKBONE_SPEC, type BackboneSpec } from './features.js';
import { onnxRunner } from './onnx-runner.js';
import type { FeatureLayout, FeatureRunner, FeatureTask, FeatureTaskResult } from './runner.js';
import { checkInputSize, combinedLayout, isCombined, validateFeatureSpec, type CombinedBackboneSpec, type FeatureSpec } from './spec.js';
import type { FeatureBlock } from './style-features.js';
import { tfjsRunner } from './tfjs-runner.js';
import { BASE_VIEW, viewKey, type ViewSpec } from './views.js';

export type { BackboneSpec, FeatureSpec } from './spec.js';
export type { FeatureBlock } from './style-features.js';
export type { ViewSpec } from './views.js';
export { DEFAULT_BACKBONE_SPEC, backboneIdOf } from './features.js';

export type FeatureRuntime = 'onnx' | 'tfjs';

export interface ExtractOptions {
  /** Feature cache (and feature graph) directory; rows found there are not recomputed. */
  cacheDir?: string;
  /** onnx (default): ONNX Runtime on every core; tfjs: the wasm backend in worker threads. */
  runtime?: FeatureRuntime;
  /** Sessions or worker threads; default = available cores; 0 computes in this thread (tfjs only). */
  workers?: number;
  batchSize?: number;
  /** Default: the whole centre square at 224 px. */
  views?: ViewSpec[];
  onProgress?(done: number, total: number, imagesPerSecond: number): void;
  /** One backbone or a combination (default: DEFAULT_BACKBONE_SPEC). */
  spec?: FeatureSpec;
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
  stats: { extracted: number; cached: number; seconds: number; workers: number; runtime: FeatureRuntime };
  /** A combined spec's rows per backbone: what each extracted and found cached. */
  parts?: { backboneId: string; extracted: number; cached: number }[];
}

interface Job {
  hash: string;
  path: string;
  view: number;
}

const CHECKPOINT_MS = 90_000;

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

function runnerFor(spec: BackboneSpec, runtime: FeatureRuntime, workers: number, cacheDir: string): FeatureRunner {
  return runtime === 'tfjs' ? tfjsRunner(spec, workers) : onnxRunner(spec, { cacheDir, sessions: workers || undefined });
}

export async function extractBackboneFeatures(paths: string[], opts: ExtractOptions = {}): Promise<ExtractResult> {
  const spec = opts.spec ?? DEFAULT_BACKBONE_SPEC;
  validateFeatureSpec(spec);
  const views = opts.views ?? [BASE_VIEW];
  for (const part of isCombined(spec) ? spec.combine : [spec]) for (const v of views) checkInputSize(part.variant, v.size);
  return isCombined(spec) ? extractCombined(paths, spec, opts) : extractOne(paths, spec, opts);
}

/** Each backbone's rows in turn (from its own cache where it has them), then side by side. */
async function extractCombined(paths: string[], spec: CombinedBackboneSpec, opts: ExtractOptions): Promise<ExtractResult> {
  const t0 = Date.now();
  const parts: ExtractResult[] = [];
  const n = spec.combine.length;
  for (const [i, part] of spec.combine.entries()) {
    const onProgress = opts.onProgress && ((done: number, total: number, ips: number) => opts.onProgress!(i * total + done, n * total, ips));
    parts.push(await extractOne(paths, part, { ...opts, onProgress }));
  }
  const layout = combinedLayout(spec, parts);
  const failed = new Map<string, { path: string; message: string }>();
  for (const p of parts) for (const f of p.failed) if (!failed.has(f.path)) failed.set(f.path, f);
  return {
    ...layout,
    views: parts[0].views.map((_, v) => concatRows(parts.map((p) => ({ dim: p.dim, rows: p.views[v] })), paths.length)),
    backboneId: backboneIdOf(spec),
    failed: [...failed.values()],
    stats: {
      extracted: parts.reduce((s, p) => s + p.stats.extracted, 0),
      cached: parts.reduce((s, p) => s + p.stats.cached, 0),
      seconds: (Date.now() - t0) / 1000,
      workers: Math.max(...parts.map((p) => p.stats.workers)),
      runtime: parts[0].stats.runtime,
    },
    parts: parts.map((p) => ({ backboneId: p.backboneId, extracted: p.stats.extracted, cached: p.stats.cached })),
  };
}

async function extractOne(paths: string[], spec: BackboneSpec, opts: ExtractOptions): Promise<ExtractResult> {
  const t0 = Date.now();
  const views = opts.views ?? [BASE_VIEW];
  const keys = views.map(viewKey);
  const batchSize = Math.max(1, opts.batchSize ?? 8);
  const runtime = opts.runtime ?? 'onnx';
  const backboneId = backboneIdOf(spec);
  const dir = opts.cacheDir ? join(opts.cacheDir, backboneId) : null;
  const caches = await Promise.all(keys.map((k) => (dir ? FeatureCache.load(viewCacheFile(dir, k), backboneId, k) : new FeatureCache(backboneId, k))));
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
  let total = 0;
  let cachedRows = 0;
  views.forEach((_, v) => {
    const seen = new Set<string>();
    hashes.forEach((hash, i) => {
      if (!hash || seen.has(hash)) return;
      seen.add(hash);
      total++;
      if (caches[v].rows.has(hash)) cachedRows++;
      else jobs.push({ hash, path: paths[i], view: v });
    });
  });

  const taskJobs: Job[][] = [];
  const tasks: FeatureTask[] = [];
  views.forEach((view, v) => {
    const mine = jobs.filter((j) => j.view === v);
    for (let i = 0; i < mine.length; i += batchSize) {
      const chunk = mine.slice(i, i + batchSize);
      taskJobs.push(chunk);
      tasks.push({ id: tasks.length, paths: chunk.map((j) => j.path), view });
    }
  });

  let extracted = 0;
  const unsaved = new Set<number>();
  let lastSave = Date.now();
  const workerCount = Math.min(opts.workers ?? os.availableParallelism(), Math.max(tasks.length, 1));
  const save = async () => {
    if (!dir) return;
    await Promise.all([...unsaved].map((v) => caches[v].save(viewCacheFile(dir, keys[v]))));
    unsaved.clear();
    lastSave = Date.now();
  };
  const onResult = async (task: FeatureTask, r: FeatureTaskResult): Promise<boolean> => {
    const bad = new Set(r.failures.map((f) => f.index));
    const mine = taskJobs[task.id];
    for (const f of r.failures) failed.push({ path: mine[f.index].path, message: f.message });
    mine.forEach((job, i) => {
      if (bad.has(i)) return;
      const cache = caches[job.view];
      // Each row gets its own buffer so the batch buffer is not kept alive by one cached row.
      cache.rows.set(job.hash, r.rows.slice(i * cache.dim, (i + 1) * cache.dim));
      unsaved.add(job.view);
    });
    extracted += mine.length - bad.size;
    const secs = (Date.now() - t0) / 1000;
    opts.onProgress?.(cachedRows + extracted, total, extracted / Math.max(secs, 1e-3));
    if (r.failures.length && !opts.skipUnreadable) return false;
    if (unsaved.size && Date.now() - lastSave > CHECKPOINT_MS) await save();
    return true;
  };

  const known = caches.find((c) => c.dim);
  let layout: FeatureLayout | undefined = known ? { dim: known.dim, blocks: known.blocks } : undefined;
  if (tasks.length || !layout) {
    const onReady = (l: FeatureLayout) => {
      for (const c of caches) c.setLayout(l.dim, l.blocks);
      layout = l;
    };
    const graphDir = opts.cacheDir ?? join(os.tmpdir(), 'painter-backbone-graphs');
    await runnerFor(spec, runtime, workerCount, graphDir).run(tasks, onReady, onResult);
  }
  if (unsaved.size) await save();
  if (failed.length && !opts.skipUnreadable) throw unreadable(failed);

  const { dim, blocks } = layout!;
  const out = views.map((_, v) => {
    const rows = new Float32Array(paths.length * dim).fill(Number.NaN);
    hashes.forEach((hash, i) => {
      const row = hash ? caches[v].rows.get(hash) : undefined;
      if (row) rows.set(row, i * dim);
    });
    return rows;
  });
  return {
    dim,
    views: out,
    blocks,
    backboneId,
    failed,
    stats: { extracted, cached: cachedRows, seconds: (Date.now() - t0) / 1000, workers: workerCount, runtime },
  };
}

/** The directory a backbone's cached rows and graphs live in. */
export { backboneDir };
