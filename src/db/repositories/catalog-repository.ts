/**
 * The corpus as the server sees it: paged listings of artists and paintings, single lookups with
 * the absolute file path, the rows an index build needs, and paintings added or removed through
 * the API. Imports go through DatasetRepository instead.
 */
import { isAbsolute, join } from 'node:path';
import { slugify } from '../../dataset/paths.js';
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import {
  ARTIST_SPLITS,
  assertOneOf,
  PAINTING_SPLITS,
  type Artist,
  type ArtistPageQuery,
  type ArtistSplit,
  type CatalogPainting,
  type CorpusPainting,
  type DatasetLayout,
  type NewApiPainting,
  type Page,
  type PaintingPageQuery,
  type PaintingSplit,
  type Source,
} from '../types.js';
import { checkLimit, decodeCursor, encodeCursor } from './pagination.js';

const WITH_ARTIST_AND_ROOT = {
  artist: { select: { slug: true, name: true } },
  dataset: { select: { rootPath: true } },
} as const;
type CatalogRow = Prisma.PaintingGetPayload<{ include: typeof WITH_ARTIST_AND_ROOT }>;
type ArtistRow = Prisma.ArtistGetPayload<object>;

const ARTIST_KEY = { name: 'string', id: 'id' } as const;
const PAINTING_KEY = { id: 'id' } as const;

/** Two requests adding paintings of the same new artist may race; the loser retries. */
const ADD_ATTEMPTS = 3;

export class CatalogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Artists ordered by name, then id. */
  async artistsPage(query: ArtistPageQuery): Promise<Page<Artist>> {
    const limit = checkLimit(query.limit);
    if (query.split !== undefined) assertOneOf('artist split', ARTIST_SPLITS, query.split);
    const after = query.after !== undefined ? decodeCursor(query.after, ARTIST_KEY) : undefined;
    const rows = await this.prisma.artist.findMany({
      where: {
        ...(query.datasetId !== undefined ? { datasetId: query.datasetId } : {}),
        ...(query.split !== undefined ? { split: query.split } : {}),
        ...(query.search ? { name: { contains: likeLiteral(query.search), mode: 'insensitive' as const } } : {}),
        ...(after ? { OR: [{ name: { gt: after.name } }, { name: after.name, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    return pageOf(rows.map(toArtist), limit, (a) => encodeCursor({ name: a.name, id: a.id }));
  }

  /** Paintings ordered by id. */
  async paintingsPage(query: PaintingPageQuery): Promise<Page<CatalogPainting>> {
    const limit = checkLimit(query.limit);
    if (query.split !== undefined) assertOneOf('painting split', PAINTING_SPLITS, query.split);
    const after = query.after !== undefined ? decodeCursor(query.after, PAINTING_KEY) : undefined;
    const rows = await this.prisma.painting.findMany({
      where: {
        ...(query.datasetId !== undefined ? { datasetId: query.datasetId } : {}),
        ...(query.artistId !== undefined ? { artistId: query.artistId } : {}),
        ...(query.split !== undefined ? { split: query.split } : {}),
        ...(query.style !== undefined ? { style: { equals: likeLiteral(query.style), mode: 'insensitive' as const } } : {}),
        ...(after ? { id: { gt: after.id } } : {}),
      },
      include: WITH_ARTIST_AND_ROOT,
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return pageOf(rows.map(toCatalogPainting), limit, (p) => encodeCursor({ id: p.id }));
  }

  async getArtist(id: number): Promise<Artist> {
    const row = await this.prisma.artist.findUnique({ where: { id } });
    if (!row) throw new PainterError('ARTIST_NOT_FOUND', `No artist with id ${id}`, { id });
    return toArtist(row);
  }

  async getPainting(id: number): Promise<CatalogPainting> {
    const row = await this.prisma.painting.findUnique({ where: { id }, include: WITH_ARTIST_AND_ROOT });
    if (!row) throw new PainterError('PAINTING_NOT_FOUND', `No painting with id ${id}`, { id });
    return toCatalogPainting(row);
  }

  /** The paintings that exist among `ids`, by id, in one query (search results). */
  async getPaintings(ids: readonly number[]): Promise<Map<number, CatalogPainting>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.painting.findMany({ where: { id: { in: [...new Set(ids)] } }, include: WITH_ARTIST_AND_ROOT });
    return new Map(rows.map((r) => [r.id, toCatalogPainting(r)]));
  }

  /**
   * Every painting (of one dataset, or all), ordered by id: what an index build embeds. The
   * paintings of unlabelled folders belong to every corpus: they are imported to be searched.
   */
  async corpus(filter: { datasetId?: number } = {}): Promise<CorpusPainting[]> {
    const rows = await this.prisma.painting.findMany({
      where: filter.datasetId !== undefined ? { OR: [{ datasetId: filter.datasetId }, { dataset: { layout: 'unlabelled-folder' satisfies DatasetLayout } }] } : {},
      select: { id: true, datasetId: true, artistId: true, relPath: true, storedPath: true, split: true, style: true, artist: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
    // Roots once per dataset rather than once per row; read after the paintings so every dataset they name is there.
    const roots = new Map(
      (await this.prisma.dataset.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.datasetId))] } }, select: { id: true, rootPath: true } })).map(
        (d) => [d.id, d.rootPath],
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      artistId: r.artistId,
      artistName: r.artist?.name ?? null,
      split: r.split as PaintingSplit,
      style: r.style,
      filePath: r.storedPath ?? join(roots.get(r.datasetId)!, r.relPath),
    }));
  }

  /**
   * Records a painting added through the API: split 'added', source 'api', under the artist of the
   * dataset with the same slug, or a new artist in split 'test' (unseen in training); without an
   * artist name, unlabelled.
   */
  async addApiPainting(input: NewApiPainting): Promise<CatalogPainting> {
    const artistName = input.artistName?.trim() ?? null;
    const slug = artistName === null ? null : slugify(artistName);
    if (slug === '') throw new PainterError('INVALID_ARGUMENT', `Artist name '${input.artistName}' has no letters or digits`, { field: 'artist' });
    if (!isAbsolute(input.storedPath)) {
      throw new PainterError('INVALID_ARGUMENT', `storedPath must be absolute: ${input.storedPath}`, { storedPath: input.storedPath });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await this.prisma.$transaction(async (tx) => {
          const dataset = await tx.dataset.findUnique({ where: { id: input.datasetId }, select: { id: true } });
          if (!dataset) throw new PainterError('DATASET_NOT_FOUND', `No dataset with id ${input.datasetId}`, { datasetId: input.datasetId });
          await this.assertNotStored(tx, input);
          const artist =
            slug === null || artistName === null
              ? null
              : await tx.artist.upsert({
                  where: { datasetId_slug: { datasetId: input.datasetId, slug } },
                  create: { datasetId: input.datasetId, slug, name: artistName, split: 'test' satisfies ArtistSplit, paintingCount: 1, source: 'api' satisfies Source },
                  update: { paintingCount: { increment: 1 } },
                  select: { id: true },
                });
          const painting = await tx.painting.create({
            data: {
              datasetId: input.datasetId,
              artistId: artist?.id ?? null,
              relPath: input.relPath,
              sha256: input.sha256,
              title: input.title ?? null,
              year: input.year ?? null,
              style: input.style ?? null,
              width: input.width,
              height: input.height,
              split: 'added' satisfies PaintingSplit,
              source: 'api' satisfies Source,
              storedPath: input.storedPath,
            },
            select: { id: true },
          });
          return painting.id;
        });
        return await this.getPainting(id);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // A concurrent add of the same file, or of the same new artist: the transaction is gone,
        // so look again outside it.
        await this.assertNotStored(this.prisma, input);
        if (attempt >= ADD_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Deletes a painting and returns it (its storedPath tells the caller which file to delete). An
   * artist that only API paintings named goes with its last painting.
   */
  async removePainting(id: number): Promise<CatalogPainting> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.painting.findUnique({ where: { id }, include: WITH_ARTIST_AND_ROOT });
      // deleteMany rather than delete: a concurrent removal leaves nothing to delete, which is NOT_FOUND, not an internal error.
      const { count } = row ? await tx.painting.deleteMany({ where: { id } }) : { count: 0 };
      if (!row || count === 0) throw new PainterError('PAINTING_NOT_FOUND', `No painting with id ${id}`, { id });
      if (row.artistId !== null) {
        const artist = await tx.artist.update({
          where: { id: row.artistId },
          data: { paintingCount: { decrement: 1 } },
          select: { source: true },
        });
        if (artist.source === ('api' satisfies Source) && (await tx.painting.count({ where: { artistId: row.artistId } })) === 0) {
          await tx.artist.delete({ where: { id: row.artistId } });
        }
      }
      return toCatalogPainting(row);
    });
  }

  /** Whether the database answers within `timeoutMs`; never throws and never waits longer. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const query = Promise.resolve()
        .then(() => this.prisma.$queryRaw`SELECT 1`)
        .then(
          () => true,
          () => false,
        );
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async assertNotStored(db: Prisma.TransactionClient | PrismaClient, input: NewApiPainting): Promise<void> {
    const existing = await db.painting.findFirst({
      where: { datasetId: input.datasetId, OR: [{ sha256: input.sha256 }, { relPath: input.relPath }] },
      select: { id: true, sha256: true },
    });
    if (existing) {
      throw new PainterError(
        'PAINTING_DUPLICATE',
        existing.sha256 === input.sha256 ? `This image is already painting ${existing.id}` : `Painting ${existing.id} already has the path ${input.relPath}`,
        { existingId: existing.id },
      );
    }
  }
}

/**
 * Case-insensitive filters become ILIKE, which Prisma passes on unescaped: '%' and '_' would be
 * wildcards. Backslash is ILIKE's default escape character.
 */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}

function toArtist(r: ArtistRow): Artist {
  return { ...r, split: r.split as ArtistSplit, source: r.source as Source };
}

function toCatalogPainting(r: CatalogRow): CatalogPainting {
  const { artist, dataset, ...p } = r;
  return {
    ...p,
    split: r.split as PaintingSplit,
    source: r.source as Source,
    artistSlug: artist?.slug ?? null,
    artistName: artist?.name ?? null,
    filePath: r.storedPath ?? join(dataset.rootPath, r.relPath),
  };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}
