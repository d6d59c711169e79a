/**
 * A small pool of worker threads that decode and resize images with sharp, off the event loop.
 * Each request goes to the least-loaded worker; a worker that died is replaced on the next call.
 */
import { availableParallelism } from 'node:os';
import { startWorker } from '../util/start-worker.js';
import { whenReady, WorkerClient } from '../util/worker-rpc.js';
import type { DecodeRequest } from './decode-worker.js';
import type { DecodeSpec } from './decode-spec.js';

const MODULE = new URL('./decode-worker.js', import.meta.url);

export class DecodePool {
  private readonly workers: Promise<WorkerClient<DecodeRequest, Uint8Array>>[];
  private closed = false;

  private constructor(readonly size: number) {
    this.workers = Array.from({ length: size }, () => DecodePool.spawn());
  }

  static async start(size = Math.min(2, availableParallelism())): Promise<DecodePool> {
    const pool = new DecodePool(Math.max(1, size));
    await Promise.all(pool.workers);
    return pool;
  }

  private static async spawn(): Promise<WorkerClient<DecodeRequest, Uint8Array>> {
    const worker = startWorker(MODULE);
    worker.unref(); // an idle pool must not keep the process alive
    await whenReady(worker, 'decode');
    return new WorkerClient<DecodeRequest, Uint8Array>(worker, 'decode');
  }

  /** RGB bytes (NHWC) of one image, decoded as `spec` says; `name` labels it in errors. */
  async decode(input: string | Buffer, spec: DecodeSpec, name?: string): Promise<Uint8Array> {
    if (this.closed) throw new Error('decode pool closed');
    const client = await this.pick();
    // Buffers are copied to the worker (the caller keeps its own); paths travel as strings.
    return client.call({ input: typeof input === 'string' ? input : new Uint8Array(input), spec, ...(name === undefined ? {} : { name }) });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map(async (w) => (await w.catch(() => null))?.close()));
  }

  private async pick(): Promise<WorkerClient<DecodeRequest, Uint8Array>> {
    const clients = await Promise.all(this.workers.map((w) => w.catch(() => null)));
    clients.forEach((c, i) => {
      if (!c?.alive) this.workers[i] = DecodePool.spawn();
    });
    let best: WorkerClient<DecodeRequest, Uint8Array> | null = null;
    for (const c of clients) if (c?.alive && (!best || c.load < best.load)) best = c;
    return best ?? (await this.workers[0]);
  }
}
