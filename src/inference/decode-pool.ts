/**
 * A small pool of worker threads that decode and resize images with sharp, off the event loop.
 * Each request goes to the least-loaded worker; a worker that died is replaced on the next call.
 */
import { availableParallelism } from 'node:os';
import { NO_INSTRUMENTS, type Instruments } from '../instruments.js';
import { startWorker } from '../util/start-worker.js';
import { whenReady, WorkerClient } from '../util/worker-rpc.js';
import type { DecodeRequest } from './decode-worker.js';
import type { DecodeSpec } from './decode-spec.js';

const MODULE = new URL('./decode-worker.js', import.meta.url);

export class DecodePool {
  private readonly workers: Promise<WorkerClient<DecodeRequest, Uint8Array>>[];
  private closed = false;

  private constructor(
    readonly size: number,
    private readonly instruments: Instruments,
  ) {
    this.workers = Array.from({ length: size }, () => DecodePool.spawn());
  }

  static async start(size = defaultDecodeWorkers(), instruments: Instruments = NO_INSTRUMENTS): Promise<DecodePool> {
    const pool = new DecodePool(Math.max(1, size), instruments);
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
    this.instruments.decoding(1);
    try {
      const client = await this.pick();
      // Buffers are copied to the worker (the caller keeps its own); paths travel as strings.
      return await client.call({ input: typeof input === 'string' ? input : new Uint8Array(input), spec, ...(name === undefined ? {} : { name }) });
    } finally {
      this.instruments.decoding(-1);
    }
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

/** Two decode workers, or one per core on a single-core machine. */
export function defaultDecodeWorkers(): number {
  return Math.min(2, availableParallelism());
}
