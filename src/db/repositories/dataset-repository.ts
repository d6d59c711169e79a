/**
 * Datasets and their contents (artists, paintings, skipped files). An import replaces a dataset's
 * contents as a whole; the diff against what is stored keeps row ids stable and makes a re-import
 * of an unchanged folder a no-op. Paintings added through the API (source 'api') are not part of
 * the folder, so an import leaves them, and the artists they belong to, in place.
 */
import { isAbsolute } from 'node:path';
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import {
  ARTIST_SPLITS,
  assertOneOf,
  DATASET_LAYOUTS,
  PAINTING_SPLITS,
  type Artist,
  type ArtistInput,
  type ArtistSplit,
  type ChangeCounts,
  type Dataset,
  type DatasetContents,
  type DatasetInput,
  type DatasetLayout,
  type JsonObject,
  type PaintingInput,
  type PaintingSplit,
  type PaintingWithArtist,
  type ReplaceSummary,
  type SkippedFile,
  type SkippedFileInput,
  type Source,
} from '../types.js';

type Tx = Prisma.TransactionClient;
type DatasetRow = Prisma.DatasetGetPayload<object>;
type ArtistRow = Prisma.ArtistGetPayload<object>;
type PaintingRow = Prisma.PaintingGetPayload<object>;

/** Rows per createMany/updateMany/deleteMany: well below PostgreSQL's 65535 bind parameters. */
const CHUNK = 1000;
/** Large imports run many statements; Prisma's 5 s default for interactive transactions is too short. */
const TRANSACTION = { maxWait: 60_000, timeout: 15 * 60_000 };

export class DatasetRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the dataset for `rootPath`, or updates its name, layout, seed and stats. */
  async upsertDataset(input: DatasetInput): Promise<Dataset> {
    if (!isAbsolute(input.rootPath)) {
      throw new PainterError('INVALID_ARGUMENT', `Dataset root must be an absolute path: ${input.rootPath}`, { rootPath: input.rootPath });
    }
    assertOneOf('dataset layout', DATASET_LAYOUTS, input.layout);
    const data = {
      name: input.name,
      layout: input.layout,
      seed: input.seed,
      stats: input.stats as Prisma.InputJsonObject,
    };
    const row = await this.prisma.dataset.upsert({
      where: { rootPath: input.rootPath },
      create: { rootPath: input.rootPath, ...data },
      update: data,
    });
    return toDataset(row);
  }

  async findById(id: number): Promise<Dataset | null> {
    const row = await this.prisma.dataset.findUnique({ where: { id } });
    return row && toDataset(row);
  }

  async findByRootPath(rootPath: string): Promise<Dataset | null> {
    const row = await this.prisma.dataset.findUnique({ where: { rootPath } });
    return row && toDataset(row);
  }

  /**
   * The most recently imported (or re-imported) labelled dataset: what training and evaluation
   * default to. Unlabelled folders are never it.
   */
  async latest(): Promise<Dataset | null> {
    const row = await this.prisma.dataset.findFirst({
      where: { layout: { not: 'unlabelled-folder' satisfies DatasetLayout } },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    });
    return row && toDataset(row);
  }

  async list(): Promise<Dataset[]> {
    const rows = await this.prisma.dataset.findMany({ orderBy: { id: 'asc' } });
    return rows.map(toDataset);
  }

  /**
   * Makes the stored contents equal to `contents` in one transaction: inserts what is new, updates
   * what changed (metadata, splits, a file moved with unchanged content), removes what is gone.
   * Paintings are matched by content hash, then by relative path.
   *
   * Paintings added through the API stay as they are; their artists are kept (with counts that
   * include them) even when the import no longer lists them. An imported file whose content or
   * path an API painting already holds is left to that painting and counted nowhere.
   */
  async replaceContents(datasetId: number, contents: DatasetContents): Promise<ReplaceSummary> {
    validateContents(contents);
    return this.prisma.$transaction(async (tx) => {
      const exists = await tx.dataset.findUnique({ where: { id: datasetId }, select: { id: true } });
      if (!exists) throw new PainterError('DATASET_NOT_FOUND', `No dataset with id ${datasetId}`, { datasetId });
      const api = await apiHoldings(tx, datasetId);
      const input = withoutApiConflicts(contents, api);
      const artists = await syncArtists(tx, datasetId, input.artists, api.countBySlug);
      const paintings = await syncPaintings(tx, datasetId, input.paintings, artists.ids);
      // After the paintings: the cascade must find nothing left to delete.
      for (const ids of chunk(artists.stale)) await tx.artist.deleteMany({ where: { id: { in: ids } } });
      const skipped = await syncSkipped(tx, datasetId, contents.skipped);
      return { ...paintings, artists: artists.counts, skipped };
    }, TRANSACTION);
  }

  /**
   * The labelled paintings of a dataset in insertion order, optionally restricted to one or more
   * splits. Unlabelled paintings (no artist) are never listed here: training and evaluation read this.
   */
  async listPaintings(datasetId: number, split?: PaintingSplit | readonly PaintingSplit[]): Promise<PaintingWithArtist[]> {
    const splits = split === undefined ? undefined : typeof split === 'string' ? [split] : [...split];
    const rows = await this.prisma.painting.findMany({
      where: { datasetId, artistId: { not: null }, ...(splits ? { split: { in: splits } } : {}) },
      include: { artist: { select: { slug: true, name: true } } },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({
      id: r.id,
      datasetId: r.datasetId,
      artistId: r.artistId!,
      relPath: r.relPath,
      sha256: r.sha256,
      title: r.title,
      year: r.year,
      style: r.style,
      width: r.width,
      height: r.height,
      split: r.split as PaintingSplit,
      createdAt: r.createdAt,
      source: r.source as Source,
      storedPath: r.storedPath,
      artistSlug: r.artist!.slug,
      artistName: r.artist!.name,
    }));
  }

  /** How many paintings of a dataset have no artist. */
  async countUnlabelled(datasetId: number): Promise<number> {
    return this.prisma.painting.count({ where: { datasetId, artistId: null } });
  }

  async listArtists(datasetId: number): Promise<Artist[]> {
    const rows = await this.prisma.artist.findMany({ where: { datasetId }, orderBy: { id: 'asc' } });
    return rows.map(toArtist);
  }

  async listSkipped(datasetId: number): Promise<SkippedFile[]> {
    return this.prisma.skippedFile.findMany({ where: { datasetId }, orderBy: { id: 'asc' } });
  }
}

function toDataset(r: DatasetRow): Dataset {
  return { ...r, layout: r.layout as DatasetLayout, stats: r.stats as JsonObject };
}

function toArtist(r: ArtistRow): Artist {
  return { ...r, split: r.split as ArtistSplit, source: r.source as Source };
}

function chunk<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) (seen.has(v) ? dups : seen).add(v);
  return [...dups];
}

/** Rejects input the unique constraints would reject anyway, with a message that says why. */
function validateContents(c: DatasetContents): void {
  const fail = (what: string, values: string[]) => {
    throw new PainterError('INVALID_ARGUMENT', `${what}: ${values.slice(0, 5).join(', ')}${values.length > 5 ? ', …' : ''}`, {
      values: values.slice(0, 100),
    });
  };
  const slugs = c.artists.map((a) => a.slug);
  const dupSlugs = duplicates(slugs);
  if (dupSlugs.length) fail('Duplicate artist slugs', dupSlugs);
  for (const a of c.artists) assertOneOf('artist split', ARTIST_SPLITS, a.split);
  const known = new Set(slugs);
  const unknown = [...new Set(c.paintings.filter((p) => p.artistSlug !== null && !known.has(p.artistSlug)).map((p) => p.artistSlug!))];
  if (unknown.length) fail('Paintings refer to artists that are not listed', unknown);
  for (const p of c.paintings) assertOneOf('painting split', PAINTING_SPLITS, p.split);
  // An artist is what makes a painting usable for training or evaluation: the split says which it is.
  const mislabelled = c.paintings.filter((p) => (p.artistSlug === null) !== (p.split === 'unlabelled')).map((p) => p.relPath);
  if (mislabelled.length) fail("Exactly the paintings without an artist belong to the split 'unlabelled'", mislabelled);
  const added = c.paintings.filter((p) => p.split === 'added').map((p) => p.relPath);
  if (added.length) fail("The split 'added' is reserved for paintings added through the API", added);
  const dupPaths = duplicates(c.paintings.map((p) => p.relPath));
  if (dupPaths.length) fail('Duplicate painting paths', dupPaths);
  const dupHashes = duplicates(c.paintings.map((p) => p.sha256));
  if (dupHashes.length) fail('Duplicate painting contents (sha256)', dupHashes);
  const dupSkipped = duplicates(c.skipped.map((s) => s.relPath));
  if (dupSkipped.length) fail('Duplicate skipped paths', dupSkipped);
}

interface ApiHoldings {
  hashes: Set<string>;
  paths: Set<string>;
  /** API paintings per artist slug. */
  countBySlug: Map<string, number>;
}

async function apiHoldings(tx: Tx, datasetId: number): Promise<ApiHoldings> {
  const rows = await tx.painting.findMany({
    where: { datasetId, source: 'api' satisfies Source },
    select: { sha256: true, relPath: true, artist: { select: { slug: true } } },
  });
  const countBySlug = new Map<string, number>();
  for (const r of rows) if (r.artist) countBySlug.set(r.artist.slug, (countBySlug.get(r.artist.slug) ?? 0) + 1);
  return { hashes: new Set(rows.map((r) => r.sha256)), paths: new Set(rows.map((r) => r.relPath)), countBySlug };
}

/** Drops imported paintings whose hash or path an API painting holds, and their share of the artist counts. */
function withoutApiConflicts(c: DatasetContents, api: ApiHoldings): DatasetContents {
  const dropped = c.paintings.filter((p) => api.hashes.has(p.sha256) || api.paths.has(p.relPath));
  if (dropped.length === 0) return c;
  const less = new Map<string, number>();
  for (const p of dropped) if (p.artistSlug !== null) less.set(p.artistSlug, (less.get(p.artistSlug) ?? 0) + 1);
  const keep = new Set(c.paintings);
  for (const p of dropped) keep.delete(p);
  return {
    ...c,
    artists: c.artists.map((a) => (less.has(a.slug) ? { ...a, paintingCount: Math.max(0, a.paintingCount - less.get(a.slug)!) } : a)),
    paintings: c.paintings.filter((p) => keep.has(p)),
  };
}

async function syncArtists(
  tx: Tx,
  datasetId: number,
  input: readonly ArtistInput[],
  apiCountBySlug: ReadonlyMap<string, number>,
): Promise<{ counts: ChangeCounts; ids: Map<string, number>; stale: number[] }> {
  const existing = await tx.artist.findMany({ where: { datasetId } });
  const bySlug = new Map(existing.map((a) => [a.slug, a]));
  const counts: ChangeCounts = { added: 0, updated: 0, removed: 0, unchanged: 0 };
  const toCreate: Prisma.ArtistCreateManyInput[] = [];
  for (const a of input) {
    const cur = bySlug.get(a.slug);
    // The stored count covers the artist's API paintings too.
    const paintingCount = a.paintingCount + (apiCountBySlug.get(a.slug) ?? 0);
    const source: Source = 'import';
    if (!cur) {
      toCreate.push({ datasetId, slug: a.slug, name: a.name, split: a.split, paintingCount, source });
    } else if (cur.name !== a.name || cur.split !== a.split || cur.paintingCount !== paintingCount || cur.source !== source) {
      await tx.artist.update({ where: { id: cur.id }, data: { name: a.name, split: a.split, paintingCount, source } });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  for (const rows of chunk(toCreate)) await tx.artist.createMany({ data: rows });
  counts.added = toCreate.length;

  const wanted = new Set(input.map((a) => a.slug));
  const stale: number[] = [];
  for (const a of existing) {
    if (wanted.has(a.slug)) continue;
    const apiCount = apiCountBySlug.get(a.slug) ?? 0;
    if (apiCount === 0) {
      stale.push(a.id);
    } else if (a.paintingCount !== apiCount || a.source !== 'api') {
      // No longer in the folder but still named by API paintings: kept, as an API artist.
      await tx.artist.update({ where: { id: a.id }, data: { paintingCount: apiCount, source: 'api' satisfies Source } });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  counts.removed = stale.length;
  const all = await tx.artist.findMany({ where: { datasetId }, select: { id: true, slug: true } });
  return { counts, ids: new Map(all.map((a) => [a.slug, a.id])), stale };
}

type PaintingFields = Omit<PaintingRow, 'id' | 'datasetId' | 'createdAt' | 'source' | 'storedPath'>;
const PAINTING_FIELDS = ['artistId', 'relPath', 'sha256', 'title', 'year', 'style', 'width', 'height', 'split'] as const;

async function syncPaintings(
  tx: Tx,
  datasetId: number,
  input: readonly PaintingInput[],
  artistIds: Map<string, number>,
): Promise<ChangeCounts> {
  const existing = await tx.painting.findMany({ where: { datasetId, source: 'import' satisfies Source } });
  // A painting is its content: a moved or renamed file keeps its row, so ids held elsewhere stay
  // valid. A file rewritten in place is then matched by its path.
  const byHash = new Map(existing.map((p) => [p.sha256, p]));
  const matched = new Map<number, PaintingInput>();
  const unmatched: PaintingInput[] = [];
  for (const p of input) {
    const cur = byHash.get(p.sha256);
    if (cur) matched.set(cur.id, p);
    else unmatched.push(p);
  }
  const freeByPath = new Map(existing.filter((e) => !matched.has(e.id)).map((e) => [e.relPath, e]));
  const toInsert: PaintingInput[] = [];
  for (const p of unmatched) {
    const cur = freeByPath.get(p.relPath);
    if (cur) {
      matched.set(cur.id, p);
      freeByPath.delete(p.relPath);
    } else {
      toInsert.push(p);
    }
  }
  const removed = existing.filter((e) => !matched.has(e.id)).map((e) => e.id);

  const fieldsOf = (p: PaintingInput): PaintingFields => ({
    artistId: p.artistSlug === null ? null : artistIds.get(p.artistSlug)!,
    relPath: p.relPath,
    sha256: p.sha256,
    title: p.title ?? null,
    year: p.year ?? null,
    style: p.style ?? null,
    width: p.width,
    height: p.height,
    split: p.split,
  });

  let unchanged = 0;
  const keyChanges: { id: number; data: Partial<PaintingFields> }[] = [];
  // Rows needing the same change (typically a new split) are updated together.
  const groups = new Map<string, { data: Partial<PaintingFields>; ids: number[] }>();
  for (const cur of existing) {
    const p = matched.get(cur.id);
    if (!p) continue;
    const next = fieldsOf(p);
    const data: Partial<Record<keyof PaintingFields, unknown>> = {};
    for (const f of PAINTING_FIELDS) if (cur[f] !== next[f]) data[f] = next[f];
    const diff = data as Partial<PaintingFields>;
    if (Object.keys(diff).length === 0) unchanged++;
    else if (diff.relPath !== undefined || diff.sha256 !== undefined) keyChanges.push({ id: cur.id, data: diff });
    else {
      const key = JSON.stringify(diff);
      const g = groups.get(key) ?? { data: diff, ids: [] };
      g.ids.push(cur.id);
      groups.set(key, g);
    }
  }

  // Deletions first: they free the paths and hashes that moved or new files take over.
  for (const ids of chunk(removed)) await tx.painting.deleteMany({ where: { id: { in: ids } } });
  // Unique keys may be swapped between rows; park them on values no real file can have
  // (relative paths never start with '/', hashes are hex) before setting the final ones.
  for (const { id, data } of keyChanges) {
    const parked = `/moving/${id}`;
    await tx.painting.update({
      where: { id },
      data: { ...(data.relPath !== undefined ? { relPath: parked } : {}), ...(data.sha256 !== undefined ? { sha256: parked } : {}) },
    });
  }
  for (const { id, data } of keyChanges) await tx.painting.update({ where: { id }, data });
  for (const { data, ids } of groups.values()) {
    for (const part of chunk(ids)) await tx.painting.updateMany({ where: { id: { in: part } }, data });
  }
  for (const rows of chunk(toInsert)) {
    await tx.painting.createMany({ data: rows.map((p) => ({ datasetId, ...fieldsOf(p) })) });
  }

  let updated = keyChanges.length;
  for (const g of groups.values()) updated += g.ids.length;
  return { added: toInsert.length, updated, removed: removed.length, unchanged };
}

async function syncSkipped(tx: Tx, datasetId: number, input: readonly SkippedFileInput[]): Promise<ChangeCounts> {
  const existing = await tx.skippedFile.findMany({ where: { datasetId }, select: { id: true, relPath: true, reason: true } });
  const byPath = new Map(existing.map((s) => [s.relPath, s]));
  const toInsert: SkippedFileInput[] = [];
  const byReason = new Map<string, number[]>();
  let unchanged = 0;
  for (const s of input) {
    const cur = byPath.get(s.relPath);
    if (!cur) toInsert.push(s);
    else if (cur.reason !== s.reason) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), cur.id]);
    else unchanged++;
  }
  const wanted = new Set(input.map((s) => s.relPath));
  const removed = existing.filter((s) => !wanted.has(s.relPath)).map((s) => s.id);

  for (const ids of chunk(removed)) await tx.skippedFile.deleteMany({ where: { id: { in: ids } } });
  let updated = 0;
  for (const [reason, ids] of byReason) {
    for (const part of chunk(ids)) await tx.skippedFile.updateMany({ where: { id: { in: part } }, data: { reason } });
    updated += ids.length;
  }
  for (const rows of chunk(toInsert)) {
    await tx.skippedFile.createMany({ data: rows.map((s) => ({ datasetId, relPath: s.relPath, reason: s.reason })) });
  }
  return { added: toInsert.length, updated, removed: removed.length, unchanged };
}
