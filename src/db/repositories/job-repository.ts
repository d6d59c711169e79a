/**
 * Jobs: long work started through the API, with progress readable while it runs. A partial unique
 * index allows one queued or running job per kind, so two processes (or two requests racing)
 * cannot start the same kind of work twice.
 */
import { randomUUID } from 'node:crypto';
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import { assertOneOf, JOB_KINDS, type Job, type JobKind, type JobProgress, type JobStatus, type JsonObject } from '../types.js';

type JobRow = Prisma.JobGetPayload<object>;

const ACTIVE: JobStatus[] = ['queued', 'running'];

export class JobRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** A queued job; JOB_CONFLICT (with the active job's id) when one of this kind is queued or running. */
  async create(input: { kind: JobKind; params?: object }): Promise<Job> {
    assertOneOf('job kind', JOB_KINDS, input.kind);
    try {
      const row = await this.prisma.job.create({
        data: {
          id: randomUUID(),
          kind: input.kind,
          status: 'queued' satisfies JobStatus,
          phase: 'queued',
          params: (input.params ?? {}) as Prisma.InputJsonObject,
        },
      });
      return toJob(row);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const active = await this.active(input.kind);
      throw new PainterError(
        'JOB_CONFLICT',
        active ? `A ${input.kind} job is already ${active.status}: ${active.id}` : `A ${input.kind} job is already active`,
        { kind: input.kind, activeJobId: active?.id ?? null },
        { cause: e },
      );
    }
  }

  /**
   * Claims the oldest queued job of one of `kinds` for `owner`, with a lease of `leaseMs` on the
   * database's clock. FOR UPDATE SKIP LOCKED: replicas claiming at once each get a different job
   * (or none), never the same one.
   */
  async claim(owner: string, kinds: readonly JobKind[], leaseMs: number): Promise<Job | null> {
    if (kinds.length === 0) return null;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE jobs SET status = 'running', phase = 'running', owner = ${owner}, attempts = attempts + 1,
        started_at = COALESCE(started_at, (now() AT TIME ZONE 'UTC')),
        lease_expires_at = (now() AT TIME ZONE 'UTC') + ${leaseMs} * interval '1 millisecond'
      WHERE id = (
        SELECT id FROM jobs WHERE status = 'queued' AND kind = ANY(${[...kinds]}::text[])
        ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id`;
    return rows[0] ? this.get(rows[0].id) : null;
  }

  /**
   * Renews the owner's lease. `alive` false: the job is no longer this owner's to run (its lease
   * ran out and another replica took it over, or it ended); `cancelRequested`: stop it.
   */
  async heartbeat(id: string, owner: string, leaseMs: number): Promise<{ alive: boolean; cancelRequested: boolean }> {
    const rows = await this.prisma.$queryRaw<{ cancel_requested_at: Date | null }[]>`
      UPDATE jobs SET lease_expires_at = (now() AT TIME ZONE 'UTC') + ${leaseMs} * interval '1 millisecond'
      WHERE id = ${id} AND owner = ${owner} AND status = 'running'
      RETURNING cancel_requested_at`;
    return { alive: rows.length > 0, cancelRequested: rows[0]?.cancel_requested_at != null };
  }

  /**
   * Running jobs whose lease has run out belong to a replica that is gone. Those of `retry` kinds
   * with attempts left are queued again for any replica to claim; the rest fail with
   * JOB_LEASE_EXPIRED. Jobs with a live lease are never touched.
   */
  async reapExpired(retry: Partial<Record<JobKind, number>>): Promise<{ requeued: string[]; failed: string[] }> {
    const requeued: string[] = [];
    for (const [kind, maxAttempts] of Object.entries(retry)) {
      const rows = await this.prisma.$queryRaw<{ id: string }[]>`
        UPDATE jobs SET status = 'queued', phase = 'queued (retry after its replica stopped)', owner = NULL, lease_expires_at = NULL
        WHERE status = 'running' AND kind = ${kind} AND attempts < ${maxAttempts} AND cancel_requested_at IS NULL
          AND lease_expires_at < (now() AT TIME ZONE 'UTC')
        RETURNING id`;
      requeued.push(...rows.map((r) => r.id));
    }
    const failed = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE jobs SET status = CASE WHEN cancel_requested_at IS NULL THEN 'failed' ELSE 'cancelled' END,
        error_code = CASE WHEN cancel_requested_at IS NULL THEN 'JOB_LEASE_EXPIRED' ELSE 'JOB_CANCELLED' END,
        error_message = CASE WHEN cancel_requested_at IS NULL
          THEN 'the replica running it (' || COALESCE(owner, '?') || ') stopped renewing its lease'
          ELSE 'cancelled; the replica running it stopped before it could say so' END,
        finished_at = (now() AT TIME ZONE 'UTC'), lease_expires_at = NULL
      WHERE status = 'running' AND lease_expires_at < (now() AT TIME ZONE 'UTC')
      RETURNING id`;
    return { requeued, failed: failed.map((r) => r.id) };
  }

  /** Lets the lease of a job this owner stops run out now, so the next reap decides its fate. */
  async expireLease(id: string, owner: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE jobs SET lease_expires_at = (now() AT TIME ZONE 'UTC') - interval '1 millisecond' WHERE id = ${id} AND owner = ${owner} AND status = 'running'`;
  }

  /**
   * A queued job is cancelled at once; a running one is marked, and its owner (on whichever
   * replica) stops it at its next heartbeat. JOB_NOT_CANCELLABLE once it has ended.
   */
  async requestCancel(id: string): Promise<Job> {
    const now = new Date();
    const queued = await this.prisma.job.updateMany({
      where: { id, status: 'queued' },
      data: { status: 'cancelled' satisfies JobStatus, errorCode: 'JOB_CANCELLED', errorMessage: 'cancelled before it started', cancelRequestedAt: now, finishedAt: now },
    });
    if (queued.count === 0) await this.prisma.job.updateMany({ where: { id, status: 'running', cancelRequestedAt: null }, data: { cancelRequestedAt: now } });
    const job = await this.get(id);
    if (job.status !== 'running' && job.status !== 'cancelled') {
      throw new PainterError('JOB_NOT_CANCELLABLE', `Job ${id} has already ${job.status}`, { id, status: job.status });
    }
    return job;
  }

  /** The owner stopped a job it was asked to cancel. */
  async markCancelled(id: string, owner: string, message = 'cancelled'): Promise<Job> {
    return this.transition(id, ['running'], { status: 'cancelled' satisfies JobStatus, errorCode: 'JOB_CANCELLED', errorMessage: message, finishedAt: new Date(), leaseExpiresAt: null }, owner);
  }

  async progress(id: string, progress: JobProgress, owner?: string): Promise<Job> {
    for (const field of ['done', 'total'] as const) {
      const v = progress[field];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        throw new PainterError('INVALID_ARGUMENT', `Job progress ${field} must be a non-negative integer`, { field, value: v });
      }
    }
    return this.transition(
      id,
      ACTIVE,
      {
        ...(progress.phase !== undefined ? { phase: progress.phase } : {}),
        ...(progress.done !== undefined ? { done: progress.done } : {}),
        ...(progress.total !== undefined ? { total: progress.total } : {}),
      },
      owner,
    );
  }

  /** With `owner`, only while that owner still holds the job (a replica whose lease ran out changes nothing). */
  async succeed(id: string, result: object, owner?: string): Promise<Job> {
    return this.transition(
      id,
      ACTIVE,
      { status: 'succeeded' satisfies JobStatus, phase: 'done', result: result as Prisma.InputJsonObject, finishedAt: new Date(), leaseExpiresAt: null },
      owner,
    );
  }

  /** The phase is left as it was: it tells where the job failed. */
  async fail(id: string, error: { code: string; message: string }, owner?: string): Promise<Job> {
    return this.transition(
      id,
      ACTIVE,
      { status: 'failed' satisfies JobStatus, errorCode: error.code, errorMessage: error.message, finishedAt: new Date(), leaseExpiresAt: null },
      owner,
    );
  }

  async get(id: string): Promise<Job> {
    const row = await this.prisma.job.findUnique({ where: { id } });
    if (!row) throw new PainterError('JOB_NOT_FOUND', `No job ${id}`, { id });
    return toJob(row);
  }

  /** Newest first. */
  async list(filter: { limit?: number; kind?: JobKind } = {}): Promise<Job[]> {
    if (filter.kind !== undefined) assertOneOf('job kind', JOB_KINDS, filter.kind);
    const rows = await this.prisma.job.findMany({
      where: filter.kind !== undefined ? { kind: filter.kind } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit ?? 50,
    });
    return rows.map(toJob);
  }

  /** The queued or running job of this kind, if any. */
  async active(kind: JobKind): Promise<Job | null> {
    const row = await this.prisma.job.findFirst({ where: { kind, status: { in: ACTIVE } } });
    return row && toJob(row);
  }

  /** Changes a job only from one of the `from` states (and, given one, while `owner` holds it): a finished job stays finished. */
  private async transition(id: string, from: JobStatus[], data: Prisma.JobUpdateManyMutationInput, owner?: string): Promise<Job> {
    const { count } = await this.prisma.job.updateMany({ where: { id, status: { in: from }, ...(owner !== undefined ? { owner } : {}) }, data });
    const row = await this.prisma.job.findUnique({ where: { id } });
    if (!row) throw new PainterError('JOB_NOT_FOUND', `No job ${id}`, { id });
    if (count === 0) {
      if (owner !== undefined && row.owner !== owner) throw new PainterError('JOB_LEASE_EXPIRED', `Job ${id} is no longer run by ${owner}`, { id, owner: row.owner });
      throw new PainterError('JOB_CONFLICT', `Job ${id} is ${row.status}, not ${from.join(' or ')}`, { id, status: row.status });
    }
    return toJob(row);
  }
}

function toJob(r: JobRow): Job {
  return {
    ...r,
    kind: r.kind as JobKind,
    status: r.status as JobStatus,
    params: r.params as JsonObject,
    result: r.result as JsonObject | null,
  };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}
