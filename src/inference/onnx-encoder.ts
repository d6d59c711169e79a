/**
 * An Encoder served by ONNX Runtime: images are decoded by the shared decode pool, concurrent
 * requests are micro-batched, and the session runs in its own worker thread — the event loop
 * only moves buffers.
 */
import type { EmbedProgress, Encoder } from '../encoders/encoder.js';
import { startWorker } from '../util/start-worker.js';
import { whenReady, WorkerClient } from '../util/worker-rpc.js';
import type { DecodePool } from './decode-pool.js';
import { decodedLength, type DecodeSpec } from './decode-spec.js';
import { MicroBatcher, type BatchStats } from './micro-batcher.js';
import type { InferenceRequest } from './onnx-worker.js';

const MODULE = new URL('./onnx-worker.js', import.meta.url);

export interface OnnxEncoderOptions {
  name: string;
  modelPath: string;
  dim: number;
  decode: DecodeSpec;
  decodePool: DecodePool;
  /** ONNX Runtime intra-op threads (default: ONNX Runtime's choice, one per core). */
  threads?: number;
  maxBatch?: number;
  windowMs?: number;
}

export class OnnxEncoder implements Encoder {
  readonly name: string;
  readonly dim: number;
  private readonly batcher: MicroBatcher;

  private constructor(
    private readonly client: WorkerClient<InferenceRequest, Float32Array>,
    private readonly opts: OnnxEncoderOptions,
  ) {
    this.name = opts.name;
    this.dim = opts.dim;
    const { size } = opts.decode;
    this.batcher = new MicroBatcher(
      (input, n) => client.call({ type: 'run', input, shape: [n, size, size, 3] }, [input.buffer as ArrayBuffer]),
      { itemLength: decodedLength(opts.decode), maxBatch: opts.maxBatch ?? 16, windowMs: opts.windowMs ?? 4 },
    );
  }

  static async create(opts: OnnxEncoderOptions): Promise<OnnxEncoder> {
    const worker = startWorker(MODULE, { modelPath: opts.modelPath, threads: opts.threads });
    worker.unref();
    await whenReady(worker, 'inference');
    return new OnnxEncoder(new WorkerClient(worker, 'inference'), opts);
  }

  get batchStats(): BatchStats {
    return this.batcher.stats;
  }

  /** One embedding per file; the first unreadable file rejects (IMAGE_UNREADABLE). */
  async embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const out = new Float32Array(paths.length * this.dim);
    // A bounded window of images in flight: enough to fill batches, never the whole corpus in memory.
    const inFlight = Math.max(2, (this.opts.maxBatch ?? 16) * 2);
    let next = 0;
    let done = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (next < paths.length && !failed) {
        const i = next++;
        try {
          out.set(await this.embedOne(paths[i]), i * this.dim);
        } catch (e) {
          failed = true; // the other lanes stop taking new files
          throw e;
        }
        onProgress?.(++done, paths.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, paths.length) }, lane));
    return out;
  }

  async embedOne(input: string | Buffer): Promise<Float32Array> {
    const pixels = await this.opts.decodePool.decode(input, this.opts.decode);
    const row = await this.batcher.submit(pixels);
    if (row.length !== this.dim) throw new Error(`${this.name}: the ONNX model returned ${row.length} values, expected ${this.dim}`);
    return row;
  }

  /** Releases the session's native memory, then ends its thread. */
  dispose(): void {
    void this.client
      .call({ type: 'release' })
      .catch(() => undefined)
      .finally(() => this.client.close());
  }
}
