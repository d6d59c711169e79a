/**
 * An Encoder served by ONNX Runtime: images are decoded by the shared decode pool, concurrent
 * requests are micro-batched, and the sessions run in worker threads — the event loop only
 * moves buffers.
 */
import { INFERENCE_DEFAULTS } from '../config.js';
import type { EmbedProgress, Encoder } from '../encoders/encoder.js';
import { NO_INSTRUMENTS, type Instruments } from '../instruments.js';
import type { DecodePool } from './decode-pool.js';
import { decodedLength, inputDivisor, type DecodeSpec } from './decode-spec.js';
import { InferencePool } from './inference-pool.js';
import { MicroBatcher, type BatchStats } from './micro-batcher.js';

export interface OnnxEncoderOptions {
  name: string;
  modelPath: string;
  dim: number;
  decode: DecodeSpec;
  decodePool: DecodePool;
  /** Sessions (worker threads) running batches side by side (default 1). */
  sessions?: number;
  /** ONNX Runtime intra-op threads per session (default: ONNX Runtime's, one per core). */
  threads?: number;
  maxBatch?: number;
  windowMs?: number;
  instruments?: Instruments;
}

export class OnnxEncoder implements Encoder {
  readonly name: string;
  readonly dim: number;
  private readonly batcher: MicroBatcher<Uint8Array>;

  private constructor(
    private readonly pool: InferencePool,
    private readonly opts: OnnxEncoderOptions,
  ) {
    this.name = opts.name;
    this.dim = opts.dim;
    const { size } = opts.decode;
    const divisor = inputDivisor(opts.decode);
    const instruments = opts.instruments ?? NO_INSTRUMENTS;
    this.batcher = new MicroBatcher<Uint8Array>((input, n) => pool.run(input, [n, size, size, 3], divisor), {
      itemLength: decodedLength(opts.decode),
      allocate: (length) => new Uint8Array(length),
      maxBatch: this.maxBatch,
      windowMs: opts.windowMs ?? INFERENCE_DEFAULTS.batchWindowMs,
      concurrency: pool.size,
      observer: { queued: (d) => instruments.batchQueue(d), ran: (n, seconds) => instruments.encoderBatch('onnx', n, seconds) },
    });
  }

  static async create(opts: OnnxEncoderOptions): Promise<OnnxEncoder> {
    const pool = await InferencePool.start({ modelPath: opts.modelPath, sessions: opts.sessions ?? 1, threads: opts.threads });
    return new OnnxEncoder(pool, opts);
  }

  private get maxBatch(): number {
    return this.opts.maxBatch ?? INFERENCE_DEFAULTS.maxBatch;
  }

  get batchStats(): BatchStats {
    return this.batcher.stats;
  }

  /** One embedding per file; the first unreadable file rejects (IMAGE_UNREADABLE). */
  async embedFiles(paths: string[], onProgress?: EmbedProgress): Promise<Float32Array> {
    const out = new Float32Array(paths.length * this.dim);
    // A bounded window of images in flight: enough to fill batches, never the whole corpus in memory.
    const inFlight = Math.max(2, this.maxBatch * 2 * (this.opts.sessions ?? 1));
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

  /** Untrusted bytes are checked by the decode itself: no second pass, nothing written to disk. */
  embedBytes(bytes: Buffer, name: string): Promise<Float32Array> {
    return this.embedOne(bytes, name);
  }

  async embedOne(input: string | Buffer, name?: string): Promise<Float32Array> {
    // Announced before decoding, so a batch waits for this image only while it is on its way.
    const arrival = this.batcher.expect();
    let pixels: Uint8Array;
    try {
      pixels = await this.opts.decodePool.decode(input, this.opts.decode, name);
    } catch (e) {
      arrival.cancel();
      throw e;
    }
    const row = await arrival.submit(pixels);
    if (row.length !== this.dim) throw new Error(`${this.name}: the ONNX model returned ${row.length} values, expected ${this.dim}`);
    return row;
  }

  /** Releases the sessions' native memory, then ends their threads. */
  dispose(): void {
    void this.pool.close();
  }
}
