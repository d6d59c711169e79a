/**
 * Long work started through the API: index rebuilds, training (optionally followed by an
 * evaluation and a rebuild) and evaluations. Jobs run in this process; the heavy parts (backbone
 * features, HNSW inserts) run on worker threads. The database allows one queued or running job of
 * each kind, so a second rebuild is refused with JOB_CONFLICT even across processes.
 */
import type { Config } from '../config.js';
import type { JobRepository } from '../db/repositories/job-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { Job, JobKind } from '../db/types.js';
import type { BackboneName } from '../encoders/backbone-choices.js';
import { PainterError, isPainterError } from '../errors.js';
import { evaluate } from './evaluation-service.js';
import type { IndexService, Logger } from './index-service.js';
import type { QueryService } from './query-service.js';

export interface StartTraining {
  preset?: 'pretrained' | 'small' | 'seed';
  epochs?: number;
  loss?: 'triplet' | 'contrastive';
  mining?: 'random' | 'batch-hard' | 'batch-all';
  /** The frozen backbone of a head preset (see BACKBONE_CHOICES). */
  backbone?: BackboneName;
  /** Rebuild the index with the new model when training succeeds (default true). */
  rebuildIndex?: boolean;
}

/**
 * Trains a model version and reports progress; injected so the core does not depend on the
 * training subsystem (server/ wires `training/train-service.ts` in).
 */
export type TrainFunction = (
  overrides: Record<string, unknown>,
  report: (phase: string, done: number, total: number) => void,
) => Promise<{ version: number; seconds: number }>;

/** Progress is written at most this often per job: a training step must not wait on the database. */
const PROGRESS_INTERVAL_MS = 500;

export class JobService {
  private readonly repo: JobRepository;
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController }>();

  constructor(
    private readonly cfg: Config,
    private readonly repos: Repositories,
    private readonly indexes: IndexService,
    private readonly queries: QueryService,
    private readonly log: Logger = { info: () => undefined, warn: () => undefined },
    private readonly train?: TrainFunction,
  ) {
    this.repo = repos.jobs;
  }

  /** Jobs left queued or running by a stopped process can never finish: mark them failed. */
  async recoverInterrupted(): Promise<number> {
    return this.repo.failInterrupted('interrupted: the server stopped while the job was running');
  }

  startIndex(input: { modelVersion?: number } = {}): Promise<Job> {
    return this.launch('index', input, async (job, report, signal) => {
      const build = await this.indexes.build({ modelVersion: input.modelVersion, signal, onProgress: (phase, done, total) => report(phase, done, total) });
      report('swapping', 0, 1);
      await this.indexes.swapIn(build);
      return { indexId: build.id, modelVersion: build.modelVersion, elementCount: build.elementCount, buildSeconds: build.buildSeconds };
    });
  }

  startEvaluation(input: { modelVersion?: number } = {}): Promise<Job> {
    return this.launch('evaluate', input, async (_job, report) => {
      const r = await evaluate(this.cfg, this.repos, { model: input.modelVersion, split: 'test', onProgress: (phase, done, total) => report(phase, done, total) });
      this.queries.invalidateCalibration(r.modelVersion ?? undefined);
      return { evaluationId: r.evaluationId, modelVersion: r.modelVersion, auc: r.auc, aucSameStyle: r.aucSameStyle, tripletAccuracy: r.tripletAccuracy, threshold: r.threshold };
    });
  }

  startTraining(input: StartTraining = {}): Promise<Job> {
    return this.launch('train', input, async (_job, report, signal) => {
      if (!this.train) throw new PainterError('INVALID_ARGUMENT', 'This server was started without the training subsystem');
      const overrides = Object.fromEntries(
        Object.entries({ preset: input.preset, epochs: input.epochs, loss: input.loss, mining: input.mining, backbone: input.backbone }).filter(([, v]) => v !== undefined),
      );
      const trained = await this.train(overrides, report);
      signal.throwIfAborted();
      report('evaluating', 0, 1);
      const evaluation = await evaluate(this.cfg, this.repos, { model: trained.version, split: 'test', onProgress: (phase, done, total) => report(`evaluation: ${phase}`, done, total) });
      const result: Record<string, unknown> = { modelVersion: trained.version, evaluationId: evaluation.evaluationId, auc: evaluation.auc, seconds: trained.seconds };
      if (input.rebuildIndex ?? true) {
        const build = await this.indexes.build({ modelVersion: trained.version, signal, onProgress: (phase, done, total) => report(`index: ${phase}`, done, total) });
        await this.indexes.swapIn(build);
        result.indexId = build.id;
      }
      return result;
    });
  }

  /** The index rebuild in progress, if any. */
  async activeIndexJob(): Promise<{ jobId: string; phase: string; progress: { done: number; total: number } } | null> {
    const job = await this.repo.active('index');
    return job ? { jobId: job.id, phase: job.phase, progress: { done: job.done, total: job.total } } : null;
  }

  get(id: string): Promise<Job> {
    return this.repo.get(id);
  }

  list(limit = 50): Promise<Job[]> {
    return this.repo.list({ limit });
  }

  /** Stops a running job (its work is discarded; what was serving keeps serving). */
  cancel(id: string): boolean {
    const r = this.running.get(id);
    r?.abort.abort(new PainterError('INTERNAL', 'cancelled'));
    return r !== undefined;
  }

  /** Stops every running job (shutdown): each is recorded as failed, what was serving stays. */
  cancelAll(): number {
    for (const id of this.running.keys()) this.cancel(id);
    return this.running.size;
  }

  /** Resolves when every running job has ended (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.promise));
  }

  private async launch(
    kind: JobKind,
    params: object,
    work: (job: Job, report: (phase: string, done: number, total: number) => void, signal: AbortSignal) => Promise<Record<string, unknown>>,
  ): Promise<Job> {
    const job = await this.repo.create({ kind, params });
    const abort = new AbortController();
    let last = 0;
    let writes = Promise.resolve();
    const report = (phase: string, done: number, total: number) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && done < total) return;
      last = now;
      writes = writes.then(() => this.repo.progress(job.id, { phase, done, total }).then(() => undefined)).catch(() => undefined);
    };
    const promise = (async () => {
      try {
        await this.repo.start(job.id);
        const result = await work(job, report, abort.signal);
        await writes;
        await this.repo.succeed(job.id, result);
        this.log.info(`job ${job.id} (${kind}) succeeded`);
      } catch (e) {
        await writes;
        const error = isPainterError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
        this.log.warn(`job ${job.id} (${kind}) failed: ${error.code}: ${error.message}`);
        await this.repo.fail(job.id, error).catch(() => undefined);
      } finally {
        this.running.delete(job.id);
      }
    })();
    this.running.set(job.id, { promise, abort });
    return job;
  }
}
