/**
 * Backbones kept loaded in worker threads for a server's queries: loading a backbone takes
 * seconds, so `extractBackboneFeatures` (a pool per call, for bulk work) would put that on every
 * request. The threads also keep inference off the event loop. A combined spec keeps one thread
 * per backbone and lays their rows side by side.
 */
import type { Worker } from 'node:worker_threads';
import { PainterError } from '../errors.js';
import { startWorker } from '../util/start-worker.js';
import { concatRows } from './combine.js';
import { DEFAULT_BACKBONE_SPEC, type BackboneSpec } from './features.js';
import { backbonesOf, combinedLayout, isCombined, validateFeatureSpec, type FeatureSpec } from './spec.js';
import { BASE_VIEW, type ViewSpec } from './views.js';
import type { FeatureBlock } from './style-features.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

const WORKER_MODULE = new URL('./worker.js', import.meta.url);

export interface FeatureRows {
  dim: number;
  blocks: FeatureBlock[];
  rows: Float32Array;
}

/** One backbone in one worker thread. */
class ResidentPart {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(r: Extract<WorkerReply, { type: 'result' }>): void; reject(e: Error): void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly dim: number,
    readonly blocks: FeatureBlock[],
  ) {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'result') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg);
      } else if (msg.type === 'fatal') this.fail(new Error(`backbone worker failed: ${msg.message}`));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`backbone worker exited (code ${code})`)));
  }

  static async start(spec: BackboneSpec): Promise<ResidentPart> {
    const worker = startWorker(WORKER_MODULE, { spec });
    const ready = await new Promise<Extract<WorkerReply, { type: 'ready' }>>((resolve, reject) => {
      worker.once('message', (msg: WorkerReply) =>
        msg.type === 'ready' ? resolve(msg) : reject(new Error(msg.type === 'fatal' ? msg.message : 'unexpected reply')),
      );
      worker.once('error', reject);
    });
    return new ResidentPart(worker, ready.dim, ready.blocks);
  }

  async featurize(paths: string[], view: ViewSpec): Promise<Float32Array> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const reply = await new Promise<Extract<WorkerReply, { type: 'result' }>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'task', id, paths, view } satisfies WorkerRequest);
    });
    if (reply.failures.length) {
      const f = reply.failures[0];
      throw new PainterError('IMAGE_UNREADABLE', f.message, { path: paths[f.index] });
    }
    return reply.rows;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('backbone worker closed');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

export class ResidentBackbone {
  private constructor(
    private readonly parts: ResidentPart[],
    readonly dim: number,
    readonly blocks: FeatureBlock[],
  ) {}

  static async start(spec: FeatureSpec = DEFAULT_BACKBONE_SPEC): Promise<ResidentBackbone> {
    validateFeatureSpec(spec);
    const started = await Promise.allSettled(backbonesOf(spec).map((p) => ResidentPart.start(p)));
    const parts = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(parts.map((p) => p.close()));
      throw failed.reason;
    }
    const layout = isCombined(spec) ? combinedLayout(spec, parts) : parts[0];
    return new ResidentBackbone(parts, layout.dim, layout.blocks);
  }

  /** Features of image files, one row each; an unreadable file rejects with IMAGE_UNREADABLE. */
  async featurize(paths: string[], view: ViewSpec = BASE_VIEW): Promise<FeatureRows> {
    if (paths.length === 0) return { dim: this.dim, blocks: this.blocks, rows: new Float32Array(0) };
    const rows = await Promise.all(this.parts.map((p) => p.featurize(paths, view)));
    return {
      dim: this.dim,
      blocks: this.blocks,
      rows: rows.length === 1 ? rows[0] : concatRows(rows.map((r, i) => ({ dim: this.parts[i].dim, rows: r })), paths.length),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close()));
  }
}
