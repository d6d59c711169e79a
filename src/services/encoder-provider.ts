/**
 * Loaded encoders, one per model version. Queries use an encoder whose backbone (if any) stays
 * loaded in a worker thread; bulk embedding (index builds) uses the feature cache and a worker per
 * core instead.
 */
import { join } from 'node:path';
import type { Config, InferenceRuntime } from '../config.js';
import type { ModelVersion } from '../db/types.js';
import type { Encoder } from '../encoders/encoder.js';
import { loadEncoder, type InferenceEnvironment } from '../encoders/load-encoder.js';
import { DecodePool } from '../inference/decode-pool.js';
import { WEIGHTS_BIN } from '../encoders/model-files.js';
import { PainterError } from '../errors.js';
import { NO_INSTRUMENTS, type Instruments } from '../instruments.js';
import { sha256File } from '../util/files.js';
import type { ResidentBackbone } from '../backbone/resident-worker.js';
import { backboneIdOf } from '../backbone/spec.js';

export type EncoderConfig = Pick<Config, 'cacheDir' | 'workers'> &
  Partial<Pick<Config, 'inference' | 'inferenceSessions' | 'inferenceThreads' | 'decodeWorkers' | 'maxBatch' | 'batchWindowMs'>>;

export class EncoderProvider {
  private readonly queryEncoders = new Map<number, Promise<Encoder>>();
  /** Resident backbones by backbone id: heads on tfjs share the one their features come from. */
  private readonly residents = new Map<string, Promise<ResidentBackbone>>();
  private decodePool: Promise<DecodePool> | null = null;

  constructor(
    private readonly cfg: EncoderConfig,
    private readonly instruments: Instruments = NO_INSTRUMENTS,
  ) {}

  private get runtime(): InferenceRuntime {
    return this.cfg.inference ?? 'auto';
  }

  /** ONNX Runtime settings shared by every encoder; the decode pool starts on first use. */
  private inference(): InferenceEnvironment {
    return {
      runtime: this.runtime,
      decodePool: () => (this.decodePool ??= this.startDecodePool()),
      sessions: this.cfg.inferenceSessions,
      threads: this.cfg.inferenceThreads,
      maxBatch: this.cfg.maxBatch,
      windowMs: this.cfg.batchWindowMs,
      instruments: this.instruments,
    };
  }

  /** The encoder for uploads and single files, kept for the process's lifetime. */
  query(model: ModelVersion): Promise<Encoder> {
    let e = this.queryEncoders.get(model.version);
    if (!e) {
      e = this.loadQueryEncoder(model);
      // A failed load is not cached, so a fixed model file can be retried.
      e.catch(() => this.queryEncoders.delete(model.version));
      this.queryEncoders.set(model.version, e);
    }
    return e;
  }

  /** The shared decode pool; a pool that failed to start is forgotten, so the next call retries. */
  private startDecodePool(): Promise<DecodePool> {
    const pool = DecodePool.start(this.cfg.decodeWorkers, this.instruments);
    pool.catch(() => {
      if (this.decodePool === pool) this.decodePool = null;
    });
    return pool;
  }

  /** A fresh encoder for embedding many files; the caller disposes it. */
  async bulk(model: ModelVersion): Promise<Encoder> {
    await verifyWeights(model);
    return loadEncoder(model.dir, { cacheDir: this.cfg.cacheDir, workers: this.cfg.workers, inference: this.inference() });
  }

  async close(): Promise<void> {
    for (const e of this.queryEncoders.values()) (await e.catch(() => null))?.dispose();
    this.queryEncoders.clear();
    for (const r of this.residents.values()) await (await r.catch(() => null))?.close();
    this.residents.clear();
    const pool = await this.decodePool?.catch(() => null);
    this.decodePool = null;
    await pool?.close();
  }

  private async loadQueryEncoder(model: ModelVersion): Promise<Encoder> {
    await verifyWeights(model);
    return loadEncoder(model.dir, {
      cacheDir: this.cfg.cacheDir,
      inference: this.inference(),
      // Only a head model on tfjs asks for it; its ONNX export carries its own backbone.
      resident: (spec) => {
        const id = backboneIdOf(spec);
        let r = this.residents.get(id);
        if (!r) this.residents.set(id, (r = import('../backbone/resident-worker.js').then((m) => m.ResidentBackbone.start(spec))));
        return r;
      },
    });
  }
}

/** The weights must be the bytes training recorded: a damaged file is refused, never served. */
async function verifyWeights(model: ModelVersion): Promise<void> {
  if (!model.checksum) return;
  const path = join(model.dir, WEIGHTS_BIN);
  const actual = await sha256File(path).catch(() => null);
  if (actual !== model.checksum) {
    throw new PainterError('MODEL_CORRUPT', `Model v${model.version}: ${path} is ${actual ? 'damaged (checksum mismatch)' : 'missing'}`, { version: model.version, path });
  }
}
