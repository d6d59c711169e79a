/**
 * Index builds: one row per HNSW index written to disk. Only 'complete' builds are ever loaded,
 * after their checksum is verified, so a build that crashed (left 'building') or a file that was
 * damaged later can never serve queries.
 */
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import { assertOneOf, VECTOR_STORES, type BuildNorms, type IndexBuild, type IndexBuildParams, type IndexBuildStatus, type NewIndexBuild, type VectorStoreName } from '../types.js';

const WITH_VERSION = { modelVersion: { select: { version: true } } } as const;
type IndexBuildRow = Prisma.IndexBuildGetPayload<{ include: typeof WITH_VERSION }>;

export class IndexBuildRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a build in status 'building'. */
  async create(input: NewIndexBuild): Promise<IndexBuild> {
    checkParams(input.params, input.dim);
    const model = await this.prisma.modelVersion.findUnique({ where: { version: input.modelVersion }, select: { id: true } });
    if (!model) throw new PainterError('MODEL_NOT_FOUND', `No model version ${input.modelVersion}`, { version: input.modelVersion });
    const data = {
      modelVersionId: model.id,
      datasetId: input.datasetId ?? null,
      status: 'building' satisfies IndexBuildStatus,
      store: assertOneOf('vector store', VECTOR_STORES, input.store ?? 'hnswlib'),
      jobId: input.jobId ?? null,
      leaseExpiresAt: new Date(Date.now() + (input.leaseMs ?? 0)),
      params: { M: input.params.M, efConstruction: input.params.efConstruction, ef: input.params.ef },
      dim: input.dim,
    };
    const created = await this.insert(data, input.dir);
    if (input.leaseMs) await this.renewLease(created.id, input.leaseMs);
    return created;
  }

  private async insert(data: Omit<Prisma.IndexBuildUncheckedCreateInput, 'dir'>, dir: NewIndexBuild['dir']): Promise<IndexBuild> {
    if (typeof dir === 'string') return toIndexBuild(await this.prisma.indexBuild.create({ data: { ...data, dir }, include: WITH_VERSION }));
    // The folder is named after the id, known only once the row exists; one transaction, so no row
    // without its folder is ever visible.
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.indexBuild.create({ data: { ...data, dir: '' }, select: { id: true } });
      return tx.indexBuild.update({ where: { id: created.id }, data: { dir: dir(created.id) }, include: WITH_VERSION });
    });
    return toIndexBuild(row);
  }

  async markComplete(id: number, result: { elementCount: number; buildSeconds: number; checksum: string; norms?: BuildNorms | null }): Promise<IndexBuild> {
    return this.transition(id, 'building', {
      status: 'complete' satisfies IndexBuildStatus,
      ...(result.norms ? { norms: result.norms as unknown as Prisma.InputJsonValue } : {}),
      elementCount: result.elementCount,
      buildSeconds: result.buildSeconds,
      checksum: result.checksum,
      completedAt: new Date(),
      failureReason: null,
      leaseExpiresAt: null,
    });
  }

  async markFailed(id: number, reason: string): Promise<IndexBuild> {
    return this.transition(id, 'building', { status: 'failed' satisfies IndexBuildStatus, failureReason: reason, completedAt: new Date(), leaseExpiresAt: null });
  }

  /** The builder is alive: its lease runs `leaseMs` from now (the database's clock). False once the build is no longer 'building'. */
  async renewLease(id: number, leaseMs: number): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE index_builds SET lease_expires_at = (now() AT TIME ZONE 'UTC') + ${leaseMs} * interval '1 millisecond'
      WHERE id = ${id} AND status = 'building'`;
    return n > 0;
  }

  /** After paintings were added to or removed from a complete build live. */
  async setElementCount(id: number, elementCount: number): Promise<IndexBuild> {
    return this.transition(id, 'complete', { elementCount });
  }

  async get(id: number): Promise<IndexBuild | null> {
    const row = await this.prisma.indexBuild.findUnique({ where: { id }, include: WITH_VERSION });
    return row && toIndexBuild(row);
  }

  async latestComplete(): Promise<IndexBuild | null> {
    const row = await this.prisma.indexBuild.findFirst({ where: { status: 'complete' }, orderBy: { id: 'desc' }, include: WITH_VERSION });
    return row && toIndexBuild(row);
  }

  /** Newest first, so a caller can fall back to an older build when a newer one fails to load. */
  async listComplete(): Promise<IndexBuild[]> {
    const rows = await this.prisma.indexBuild.findMany({ where: { status: 'complete' }, orderBy: { id: 'desc' }, include: WITH_VERSION });
    return rows.map(toIndexBuild);
  }

  /** Newest first, any status. */
  async list(limit = 50): Promise<IndexBuild[]> {
    const rows = await this.prisma.indexBuild.findMany({ orderBy: { id: 'desc' }, take: limit, include: WITH_VERSION });
    return rows.map(toIndexBuild);
  }

  /**
   * Builds still 'building' whose builder stopped renewing its lease (a killed process, on any
   * replica) are marked failed; builds whose builder is alive are left alone. Returns them.
   */
  async failAbandoned(reason: string): Promise<IndexBuild[]> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      UPDATE index_builds SET status = 'failed', failure_reason = ${reason}, completed_at = (now() AT TIME ZONE 'UTC'), lease_expires_at = NULL
      WHERE status = 'building' AND (lease_expires_at IS NULL OR lease_expires_at < (now() AT TIME ZONE 'UTC'))
      RETURNING id`;
    if (rows.length === 0) return [];
    const found = await this.prisma.indexBuild.findMany({ where: { id: { in: rows.map((r) => r.id) } }, include: WITH_VERSION, orderBy: { id: 'asc' } });
    return found.map(toIndexBuild);
  }

  /** Updates only from status `from`, so e.g. a build failed at start-up is not completed later by a stale worker. */
  private async transition(id: number, from: IndexBuildStatus, data: Prisma.IndexBuildUpdateManyMutationInput): Promise<IndexBuild> {
    const { count } = await this.prisma.indexBuild.updateMany({ where: { id, status: from }, data });
    const row = await this.prisma.indexBuild.findUnique({ where: { id }, include: WITH_VERSION });
    if (!row) throw new PainterError('INVALID_ARGUMENT', `No index build ${id}`, { id });
    if (count === 0) throw new PainterError('INVALID_ARGUMENT', `Index build ${id} is ${row.status}, not ${from}`, { id, status: row.status });
    return toIndexBuild(row);
  }
}

function checkParams(params: IndexBuildParams, dim: number): void {
  const values = { M: params.M, efConstruction: params.efConstruction, ef: params.ef, dim };
  for (const [field, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new PainterError('INVALID_ARGUMENT', `Index ${field} must be a positive integer`, { field, value });
    }
  }
}

function toIndexBuild(r: IndexBuildRow): IndexBuild {
  const { modelVersion, modelVersionId: _id, ...rest } = r;
  return {
    ...rest,
    modelVersion: modelVersion.version,
    status: r.status as IndexBuildStatus,
    store: r.store as VectorStoreName,
    params: r.params as unknown as IndexBuildParams,
    norms: (r.norms as unknown as BuildNorms | null) ?? null,
  };
}
