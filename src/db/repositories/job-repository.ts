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

  async start(id: string): Promise<Job> {
    return this.transition(id, ['queued'], { status: 'running' satisfies JobStatus, phase: 'running', startedAt: new Date() });
  }

  async progress(id: string, progress: JobProgress): Promise<Job> {
    for (const field of ['done', 'total'] as const) {
      const v = progress[field];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        throw new PainterError('INVALID_ARGUMENT', `Job progress ${field} must be a non-negative integer`, { field, value: v });
      }
    }
    return this.transition(id, ACTIVE, {
      ...(progress.phase !== undefined ? { phase: progress.phase } : {}),
      ...(progress.done !== undefined ? { done: progress.done } : {}),
      ...(progress.total !== undefined ? { total: progress.total } : {}),
    });
  }

  async succeed(id: string, result: object): Promise<Job> {
    return this.transition(id, ACTIVE, {
      status: 'succeeded' satisfies JobStatus,
      phase: 'done',
      result: result as Prisma.InputJsonObject,
      finishedAt: new Date(),
    });
  }

  /** The phase is left as it was: it tells where the job failed. */
  async fail(id: string, error: { code: string; message: string }): Promise<Job> {
    return this.transition(id, ACTIVE, {
      status: 'failed' satisfies JobStatus,
      errorCode: error.code,
      errorMessage: error.message,
      finishedAt: new Date(),
    });
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

  /** At start-up: queued or running jobs belong to a process that is gone. Returns how many. */
  async failInterrupted(reason: string, code = 'INTERNAL'): Promise<number> {
    const { count } = await this.prisma.job.updateMany({
      where: { status: { in: ACTIVE } },
      data: { status: 'failed' satisfies JobStatus, errorCode: code, errorMessage: reason, finishedAt: new Date() },
    });
    return count;
  }

  /** Changes a job only from one of the `from` states: a finished job stays finished. */
  private async transition(id: string, from: JobStatus[], data: Prisma.JobUpdateManyMutationInput): Promise<Job> {
    const { count } = await this.prisma.job.updateMany({ where: { id, status: { in: from } }, data });
    const row = await this.prisma.job.findUnique({ where: { id } });
    if (!row) throw new PainterError('JOB_NOT_FOUND', `No job ${id}`, { id });
    if (count === 0) {
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
