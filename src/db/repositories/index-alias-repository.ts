/**
 * The alias row naming the build every replica serves. Moving it is one transaction that locks
 * the row and checks the target is complete, so two replicas activating builds at once, or a
 * retention sweep racing an activation, serialise on it; the foreign key keeps the active build's
 * row from being deleted.
 */
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import type { IndexAlias, IndexBuildStatus, VectorStoreName } from '../types.js';

const ID = 1;
const EMPTY: IndexAlias = { buildId: null, pinned: false, keepBuilds: null, revision: 0, updatedAt: new Date(0) };

type Tx = Prisma.TransactionClient;

export class IndexAliasRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async get(): Promise<IndexAlias> {
    const row = await this.prisma.indexAlias.findUnique({ where: { id: ID } });
    return row ? toAlias(row) : { ...EMPTY };
  }

  /**
   * Points the alias at a complete build. `pin` true: finished rebuilds leave it there until it
   * is unpinned or moved by hand; `ifUnpinned`: do nothing when pinned (a rebuild finishing).
   * Returns the alias and whether it moved.
   */
  async move(buildId: number, options: { pin?: boolean; ifUnpinned?: boolean } = {}): Promise<{ alias: IndexAlias; moved: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const current = await lock(tx);
      if (options.ifUnpinned && current.pinned) return { alias: current, moved: false };
      const build = await tx.indexBuild.findUnique({ where: { id: buildId }, select: { status: true } });
      if (!build) throw new PainterError('INDEX_BUILD_NOT_FOUND', `No index build ${buildId}`, { id: buildId });
      if (build.status !== 'complete') {
        throw new PainterError('INDEX_BUILD_NOT_ACTIVATABLE', `Index build ${buildId} is ${build.status}; only a complete build can serve`, { id: buildId, status: build.status });
      }
      const row = await tx.indexAlias.update({
        where: { id: ID },
        data: { buildId, pinned: options.pin ?? current.pinned, revision: { increment: 1 }, updatedAt: new Date() },
      });
      return { alias: toAlias(row), moved: true };
    });
  }

  async setPinned(pinned: boolean): Promise<IndexAlias> {
    return this.prisma.$transaction(async (tx) => {
      await lock(tx);
      return toAlias(await tx.indexAlias.update({ where: { id: ID }, data: { pinned, revision: { increment: 1 }, updatedAt: new Date() } }));
    });
  }

  async setKeepBuilds(keepBuilds: number): Promise<IndexAlias> {
    if (!Number.isInteger(keepBuilds) || keepBuilds < 1) {
      throw new PainterError('INVALID_ARGUMENT', `The number of builds to keep must be a positive integer, got ${keepBuilds}`, { field: 'keep' });
    }
    return this.prisma.$transaction(async (tx) => {
      await lock(tx);
      return toAlias(await tx.indexAlias.update({ where: { id: ID }, data: { keepBuilds, updatedAt: new Date() } }));
    });
  }

  /**
   * Deletes the build rows `choose` picks from every build, with the alias locked so no build can
   * become active meanwhile; the active one is refused whatever `choose` says. Returns what was
   * deleted, for the caller to remove their vectors.
   */
  async retire(
    choose: (builds: { id: number; status: IndexBuildStatus }[], alias: IndexAlias) => number[],
  ): Promise<{ id: number; dir: string; store: VectorStoreName }[]> {
    return this.prisma.$transaction(async (tx) => {
      const alias = await lock(tx);
      const builds = await tx.indexBuild.findMany({ select: { id: true, status: true, dir: true, store: true } });
      const chosen = new Set(choose(builds.map((b) => ({ id: b.id, status: b.status as IndexBuildStatus })), alias).filter((id) => id !== alias.buildId));
      const doomed = builds.filter((b) => chosen.has(b.id));
      if (doomed.length) await tx.indexBuild.deleteMany({ where: { id: { in: doomed.map((b) => b.id) } } });
      return doomed.map((b) => ({ id: b.id, dir: b.dir, store: b.store as VectorStoreName }));
    });
  }
}

/** The row, created when missing (an emptied database), locked until the transaction ends. */
async function lock(tx: Tx): Promise<IndexAlias> {
  await tx.$executeRaw`INSERT INTO index_alias (id) VALUES (${ID}) ON CONFLICT (id) DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM index_alias WHERE id = ${ID} FOR UPDATE`;
  if (rows.length !== 1) throw new PainterError('INTERNAL', 'The index alias row is missing');
  return toAlias((await tx.indexAlias.findUnique({ where: { id: ID } }))!);
}

function toAlias(r: { buildId: number | null; pinned: boolean; keepBuilds: number | null; revision: number; updatedAt: Date }): IndexAlias {
  return { buildId: r.buildId, pinned: r.pinned, keepBuilds: r.keepBuilds, revision: r.revision, updatedAt: r.updatedAt };
}
