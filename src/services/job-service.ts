/**
 * Long work started through the API: index rebuilds, training (optionally followed by an
 * evaluation and a rebuild) and evaluations. A job is a row, not a process's promise: any replica
 * may claim a queued job (FOR UPDATE SKIP LOCKED) and keeps it with a heartbeat lease. A replica
 * that dies stops renewing; once the lease runs out any replica re-queues the job (kinds that can
 * safely run again) or marks it failed, so no job is left 'running' by a process that is gone.
 * The database allows one queued or running job of each kind, across replicas.
 *
 * Cancelling marks the row; the owner sees the mark at its next heartbeat (or at once through a
 * notification) and stops, and the job ends 'cancelled'. A cancelled rebuild's build is never
 * activated.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Notifier, PainterEvent } from '../db/notifier.js';
import type { JobRepository } from '../db/repositories/job-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import { JOB_KINDS, type Job, type JobKind, type JsonObject } from '../db/types.js';
import type { EmbedViewSetName } from '../backbone/views.js';
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
  /** Head presets: the views averaged into each embedding. */
  embedViews?: EmbedViewSetName;
  /** Train on every labelled artist, the test split's too (no held-out evaluation follows). */
  allArtists?: boolean;
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

type Report = (phase: string, done: number, total: number) => void;
type Work = (params: JsonObject, report: Report, signal: AbortSignal, job: Job) => Promise<Record<string, unknown>>;

/** Progress is written at most this often per job: a training step must not wait on the database. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * How many times a job whose replica died is claimed in all. A rebuild or an evaluation starts
 * over harmlessly; a training run is not restarted behind the operator's back (it resumes with
 * `painter train --resume`).
 */
export const MAX_ATTEMPTS: Record<JobKind, number> = { index: 2, evaluate: 2, train: 1 };

interface Running {
  job: Job;
  abort: AbortController;
  promise: Promise<void>;
}

export class JobService {
  private readonly repo: JobRepository;
  private readonly running = new Map<string, Running>();
  /** This process, as job rows name their owner. */
  readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private stopped = false;

  constructor(
    private readonly cfg: Config,
    private readonly repos: Repositories,
    private readonly indexes: IndexService,
    private readonly queries: QueryService,
    private readonly notifier: Pick<Notifier, 'publish' | 'subscribe'> | null = null,
    private readonly log: Logger = { info: () => undefined, warn: () => undefined },
    private readonly train?: TrainFunction,
  ) {
    this.repo = repos.jobs;
    this.owner = cfg.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  private readonly work: Record<JobKind, Work> = {
    index: async (params, report, signal, job) => {
      const modelVersion = typeof params.modelVersion === 'number' ? params.modelVersion : undefined;
      const build = await this.indexes.build({ modelVersion, signal, jobId: job.id, onProgress: (phase, done, total) => report(phase, done, total) });
      // A cancel that arrives once the build is complete still keeps it from being activated.
      signal.throwIfAborted();
      report('swapping', 0, 1);
      const { activated } = await this.indexes.publish(build);
      return { indexId: build.id, modelVersion: build.modelVersion, elementCount: build.elementCount, buildSeconds: build.buildSeconds, activated };
    },
    evaluate: async (params, report) => {
      const modelVersion = typeof params.modelVersion === 'number' ? params.modelVersion : undefined;
      const r = await evaluate(this.cfg, this.repos, { model: modelVersion, split: 'test', onProgress: (phase, done, total) => report(phase, done, total) });
      this.queries.invalidateCalibration(r.modelVersion ?? undefined);
      return { evaluationId: r.evaluationId, modelVersion: r.modelVersion, auc: r.auc, aucSameStyle: r.aucSameStyle, tripletAccuracy: r.tripletAccuracy, threshold: r.threshold };
    },
    train: async (params, report, signal, job) => {
      if (!this.train) throw new PainterError('INVALID_ARGUMENT', 'This server was started without the training subsystem');
      const input = params as StartTraining;
      const overrides = Object.fromEntries(
        Object.entries({
          preset: input.preset,
          epochs: input.epochs,
          loss: input.loss,
          mining: input.mining,
          backbone: input.backbone,
          embedViews: input.embedViews,
          artists: input.allArtists ? 'all' : undefined,
        }).filter(([, v]) => v !== undefined),
      );
      const trained = await this.train(overrides, report);
      signal.throwIfAborted();
      const result: Record<string, unknown> = { modelVersion: trained.version, seconds: trained.seconds };
      // A model trained on the test split's artists has no held-out evaluation to make.
      if (!input.allArtists) {
        report('evaluating', 0, 1);
        const evaluation = await evaluate(this.cfg, this.repos, { model: trained.version, split: 'test', onProgress: (phase, done, total) => report(`evaluation: ${phase}`, done, total) });
        Object.assign(result, { evaluationId: evaluation.evaluationId, auc: evaluation.auc });
      }
      if (input.rebuildIndex ?? true) {
        const build = await this.indexes.build({ modelVersion: trained.version, signal, jobId: job.id, onProgress: (phase, done, total) => report(`index: ${phase}`, done, total) });
        signal.throwIfAborted();
        result.indexId = build.id;
        result.activated = (await this.indexes.publish(build)).activated;
      }
      return result;
    },
  };

  /** Kinds this process can run (training only where the training subsystem is wired in). */
  private get kinds(): JobKind[] {
    return JOB_KINDS.filter((k) => k !== 'train' || this.train !== undefined);
  }

  /**
   * Starts taking part: reaps jobs of dead replicas, claims queued work, and keeps doing both
   * every poll interval and whenever another replica announces a job or a cancel.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.reap();
    this.unsubscribe = this.notifier?.subscribe((e) => this.onEvent(e));
    this.timer = setInterval(() => {
      void this.reap().then(() => this.claimSoon());
    }, this.cfg.indexPollMs);
    this.timer.unref();
    this.claimSoon();
  }

  startIndex(input: { modelVersion?: number } = {}): Promise<Job> {
    return this.enqueue('index', input);
  }

  startEvaluation(input: { modelVersion?: number } = {}): Promise<Job> {
    return this.enqueue('evaluate', input);
  }

  startTraining(input: StartTraining = {}): Promise<Job> {
    if (!this.train) return Promise.reject(new PainterError('INVALID_ARGUMENT', 'This server was started without the training subsystem'));
    return this.enqueue('train', input);
  }

  /** The index rebuild in progress, if any (on any replica). */
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

  /**
   * Asks a job to stop, wherever it runs. A queued job is cancelled at once; a running one ends
   * 'cancelled' as soon as its owner notices (at once here, else at its next heartbeat).
   */
  async cancel(id: string): Promise<Job> {
    const job = await this.repo.requestCancel(id);
    if (job.status === 'running') {
      if (!this.stopLocal(id, 'cancel')) await this.notifier?.publish({ topic: 'cancel', jobId: id }).catch(() => undefined);
    }
    return job;
  }

  /** Resolves when every job running here has ended (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.promise));
  }

  /**
   * Stops taking work and stops the jobs running here; waits up to `graceMs` for them. Their
   * leases are let go, so another replica re-queues or fails them right away instead of after
   * a lease period.
   */
  async close(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    const mine = [...this.running.values()];
    for (const r of mine) this.stopLocal(r.job.id, 'shutdown');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const r of mine) await this.repo.expireLease(r.job.id, this.owner).catch(() => undefined);
    await this.reap().catch(() => undefined);
  }

  private async enqueue(kind: JobKind, params: object): Promise<Job> {
    const job = await this.repo.create({ kind, params });
    await this.notifier?.publish({ topic: 'job', jobId: job.id }).catch(() => undefined);
    this.claimSoon();
    return job;
  }

  private onEvent(e: PainterEvent): void {
    if (e.topic === 'job') this.claimSoon();
    else if (e.topic === 'cancel') this.stopLocal(e.jobId, 'cancel');
  }

  /** Jobs (and builds) whose replica stopped renewing: re-queued or failed. */
  private async reap(): Promise<void> {
    try {
      const { requeued, failed } = await this.repo.reapExpired(MAX_ATTEMPTS);
      for (const id of requeued) this.log.warn(`job ${id}: its replica stopped renewing the lease; queued again`);
      for (const id of failed) this.log.warn(`job ${id}: its replica stopped renewing the lease; failed`);
      await this.indexes.failAbandoned();
    } catch (e) {
      this.log.warn(`job lease check: ${(e as Error).message}`);
    }
  }

  /** Claims queued jobs until none is left; never two claim loops at once. */
  private claimSoon(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = (async () => {
      do {
        this.claimAgain = false;
        for (;;) {
          const job = await this.repo.claim(this.owner, this.kinds, this.cfg.jobLeaseMs).catch((e) => {
            this.log.warn(`job claim: ${(e as Error).message}`);
            return null;
          });
          if (!job) break;
          this.run(job);
        }
      } while (this.claimAgain && !this.stopped);
    })().finally(() => (this.claiming = null));
  }

  private stopLocal(id: string, why: 'cancel' | 'shutdown' | 'lost'): boolean {
    const r = this.running.get(id);
    if (!r || r.abort.signal.aborted) return r !== undefined;
    const reason =
      why === 'cancel'
        ? new PainterError('JOB_CANCELLED', 'cancelled')
        : why === 'lost'
          ? new PainterError('JOB_LEASE_EXPIRED', `job ${id} was taken over: this replica's lease ran out`)
          : new PainterError('INTERNAL', 'interrupted: the server stopped while the job was running');
    r.abort.abort(reason);
    return true;
  }

  private run(job: Job): void {
    const abort = new AbortController();
    let last = 0;
    let writes = Promise.resolve();
    const report: Report = (phase, done, total) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && done < total) return;
      last = now;
      writes = writes.then(() => this.repo.progress(job.id, { phase, done, total }, this.owner).then(() => undefined)).catch(() => undefined);
    };
    const heartbeat = setInterval(() => {
      this.repo
        .heartbeat(job.id, this.owner, this.cfg.jobLeaseMs)
        .then((h) => {
          if (!h.alive) this.stopLocal(job.id, 'lost');
          else if (h.cancelRequested) this.stopLocal(job.id, 'cancel');
        })
        .catch((e) => this.log.warn(`job ${job.id}: heartbeat failed: ${(e as Error).message}`));
    }, Math.max(50, Math.floor(this.cfg.jobLeaseMs / 3)));
    heartbeat.unref();
    const promise = (async () => {
      try {
        if (job.cancelRequestedAt) throw new PainterError('JOB_CANCELLED', 'cancelled');
        this.log.info(`job ${job.id} (${job.kind}) claimed by ${this.owner}, attempt ${job.attempts}`);
        const result = await this.work[job.kind](job.params, report, abort.signal, job);
        await writes;
        await this.repo.succeed(job.id, result, this.owner);
        this.log.info(`job ${job.id} (${job.kind}) succeeded`);
      } catch (e) {
        await writes;
        const reason = abort.signal.aborted ? abort.signal.reason : e;
        const error = isPainterError(reason) ? { code: reason.code, message: reason.message } : { code: 'INTERNAL', message: reason instanceof Error ? reason.message : String(reason) };
        if (error.code === 'JOB_CANCELLED') {
          this.log.info(`job ${job.id} (${job.kind}) cancelled`);
          await this.repo.markCancelled(job.id, this.owner).catch(() => undefined);
        } else if (error.code === 'JOB_LEASE_EXPIRED' || (abort.signal.aborted && this.stopped)) {
          // Not ours any more, or left for the lease to decide (re-queued or failed by a reaper).
          this.log.warn(`job ${job.id} (${job.kind}) stopped: ${error.message}`);
        } else {
          this.log.warn(`job ${job.id} (${job.kind}) failed: ${error.code}: ${error.message}`);
          await this.repo.fail(job.id, error, this.owner).catch(() => undefined);
        }
      } finally {
        clearInterval(heartbeat);
        this.running.delete(job.id);
      }
    })();
    this.running.set(job.id, { job, abort, promise });
  }
}
