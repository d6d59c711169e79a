/**
 * ONNX Runtime sessions of one model, each in its own worker thread (run() is synchronous, so it
 * must not run on the event loop). The server runs a single-threaded session per core, batches
 * side by side: measured faster than one session spreading each operator over every core.
 */
import { startWorker } from '../util/start-worker.js';
import { whenReady, WorkerClient } from '../util/worker-rpc.js';
import type { InferenceRequest } from './onnx-worker.js';

const MODULE = new URL('./onnx-worker.js', import.meta.url);

export interface InferencePoolOptions {
  modelPath: string;
  /** Sessions, one worker thread each. */
  sessions: number;
  /** Intra-op threads per session (default: ONNX Runtime's choice). */
  threads?: number;
}

export class InferencePool {
  private constructor(private readonly clients: WorkerClient<InferenceRequest, Float32Array>[]) {}

  static async start(opts: InferencePoolOptions): Promise<InferencePool> {
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, opts.sessions) }, async () => {
        const worker = startWorker(MODULE, { modelPath: opts.modelPath, threads: opts.threads });
        worker.unref();
        const client = new WorkerClient<InferenceRequest, Float32Array>(worker, 'inference');
        try {
          await whenReady(worker, 'inference');
        } catch (e) {
          await client.close();
          throw e;
        }
        return client;
      }),
    );
    const clients = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(clients.map((c) => c.close()));
      throw failed.reason;
    }
    return new InferencePool(clients);
  }

  get size(): number {
    return this.clients.length;
  }

  /**
   * Runs one batch on the least-busy session; `input` is moved to the worker, not copied. Bytes
   * are divided by `divisor` into the model's float input there.
   */
  run(input: Float32Array | Uint8Array, shape: number[], divisor = 1): Promise<Float32Array> {
    const live = this.clients.filter((c) => c.alive);
    if (live.length === 0) return Promise.reject(new Error('every inference worker has stopped'));
    const client = live.reduce((a, b) => (b.load < a.load ? b : a));
    return client.call({ type: 'run', input, shape, divisor }, [input.buffer as ArrayBuffer]);
  }

  /** Releases every session's native memory, then ends the threads. */
  async close(): Promise<void> {
    await Promise.all(
      this.clients.map((c) =>
        c
          .call({ type: 'release' })
          .catch(() => undefined)
          .finally(() => c.close()),
      ),
    );
  }
}
