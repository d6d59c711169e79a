import { describe, expect, it } from 'vitest';
import { CatalogRepository } from '../../src/db/repositories/catalog-repository.js';
import { DatasetRepository } from '../../src/db/repositories/dataset-repository.js';
import type { PrismaClient } from '../../src/db/client.js';
import type { ArtistInput, NewApiPainting, Page, PaintingInput, PaintingSplit } from '../../src/db/types.js';
import { errorOf, TARGETS, useDatabase } from './helpers.js';

const ROOT = '/data/wikiart';
const hash = (n: number) => n.toString(16).padStart(64, '0');
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Several artists share a name, so pages must break ties by id.
const ARTISTS: ArtistInput[] = [
  { slug: 'monet', name: 'Claude Monet', split: 'train', paintingCount: 4 },
  { slug: 'degas', name: 'Edgar Degas', split: 'train', paintingCount: 3 },
  { slug: 'cezanne', name: 'Paul Cézanne', split: 'test', paintingCount: 2 },
  { slug: 'anon-1', name: 'Anonymous', split: 'train', paintingCount: 1 },
  { slug: 'anon-2', name: 'Anonymous', split: 'test', paintingCount: 1 },
  { slug: 'anon-3', name: 'Anonymous', split: 'train', paintingCount: 1 },
  { slug: 'pct', name: '100% Abstract_Art', split: 'train', paintingCount: 1 },
  { slug: 'morisot', name: 'Berthe Morisot', split: 'train', paintingCount: 1 },
];

function paintings(): PaintingInput[] {
  const out: PaintingInput[] = [];
  let n = 0;
  const splits: PaintingSplit[] = ['train', 'validation', 'test'];
  for (const a of ARTISTS) {
    for (let i = 0; i < a.paintingCount; i++) {
      n++;
      out.push({
        artistSlug: a.slug, relPath: `images/${a.slug}/${n}.jpg`, sha256: hash(n), title: `Painting ${n}`, year: null,
        style: n % 3 === 0 ? 'Impressionism' : n % 3 === 1 ? 'impressionism' : 'Post_Impressionism',
        width: 100 + n, height: 200, split: a.split === 'test' ? 'test' : splits[n % 2],
      });
    }
  }
  return out;
}

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`CatalogRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new CatalogRepository(db().prisma);

    async function seed(rootPath = ROOT) {
      const datasets = new DatasetRepository(db().prisma);
      const ds = await datasets.upsertDataset({ rootPath, name: 'w', layout: 'labels-csv', seed: 1, stats: {} });
      await datasets.replaceContents(ds.id, { artists: ARTISTS, paintings: paintings(), skipped: [] });
      return ds;
    }
    const apiPainting = (datasetId: number, n: number, extra: Partial<NewApiPainting> = {}): NewApiPainting => ({
      datasetId, artistName: 'Gustav Klimt', relPath: `added/${hash(1000 + n)}.jpg`, storedPath: `/srv/painter/paintings/added/${hash(1000 + n)}.jpg`,
      sha256: hash(1000 + n), title: `Added ${n}`, year: '1907', style: 'Art Nouveau', width: 640, height: 480, ...extra,
    });

    /** Follows nextCursor to the end, checking every page's size. */
    async function allPages<T>(fetch: (after?: string) => Promise<Page<T>>, limit: number): Promise<T[]> {
      const items: T[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await fetch(after);
        items.push(...page.items);
        if (page.nextCursor === null) {
          expect(page.items.length).toBeLessThanOrEqual(limit);
          return items;
        }
        expect(page.items).toHaveLength(limit);
        after = page.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it('pages through artists by name then id, with no duplicates or gaps at any page size', async () => {
      await seed();
      const expected = await db().prisma.artist.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true } });
      expect(expected).toHaveLength(ARTISTS.length);
      for (const limit of [1, 2, 3, 7, 8, 200]) {
        const items = await allPages((after) => repo().artistsPage({ limit, after }), limit);
        expect(items.map((a) => a.id)).toEqual(expected.map((a) => a.id));
      }
      const first = await repo().artistsPage({ limit: 2 });
      expect(first.items[0]).toMatchObject({ name: '100% Abstract_Art', slug: 'pct', split: 'train', paintingCount: 1, source: 'import' });
      // The three artists named "Anonymous" straddle the page boundary and come in id order.
      const anonymous = (await allPages((after) => repo().artistsPage({ limit: 2, after }), 2)).filter((a) => a.name === 'Anonymous');
      expect(anonymous.map((a) => a.slug)).toEqual(['anon-1', 'anon-2', 'anon-3']);
      expect((await repo().artistsPage({ limit: 200 })).nextCursor).toBeNull();
    });

    it('filters artists by split, dataset and a case-insensitive literal substring', async () => {
      const ds = await seed();
      const other = await seed('/data/other');
      const names = async (q: Parameters<CatalogRepository['artistsPage']>[0]) =>
        (await allPages((after) => repo().artistsPage({ ...q, after }), q.limit)).map((a) => a.slug);
      expect(await names({ datasetId: ds.id, split: 'test', limit: 1 })).toEqual(['anon-2', 'cezanne']);
      expect(await names({ datasetId: ds.id, search: 'MON', limit: 1 })).toEqual(['monet']);
      expect(await names({ datasetId: ds.id, search: 'ANONYMOUS', split: 'train', limit: 1 })).toEqual(['anon-1', 'anon-3']);
      // LIKE wildcards in the search are plain characters.
      expect(await names({ datasetId: ds.id, search: '%', limit: 5 })).toEqual(['pct']);
      expect(await names({ datasetId: ds.id, search: 't_a', limit: 5 })).toEqual(['pct']);
      expect(await names({ datasetId: ds.id, search: 'n_n', limit: 5 })).toEqual([]);
      expect(await names({ datasetId: ds.id, search: '\\', limit: 5 })).toEqual([]);
      expect(await names({ datasetId: ds.id, search: 'zzz', limit: 5 })).toEqual([]);
      expect(await names({ search: 'monet', limit: 1 })).toEqual(['monet', 'monet']);
      const inOther = await repo().artistsPage({ datasetId: other.id, limit: 200 });
      expect(inOther.items.every((a) => a.datasetId === other.id)).toBe(true);
      expect(inOther.items).toHaveLength(ARTISTS.length);
    });

    it('pages through paintings by id with their artist and absolute file path, and filters them', async () => {
      const ds = await seed();
      const all = await db().prisma.painting.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
      for (const limit of [1, 4, 14, 15]) {
        const items = await allPages((after) => repo().paintingsPage({ limit, after }), limit);
        expect(items.map((p) => p.id)).toEqual(all.map((p) => p.id));
      }
      const [first] = (await repo().paintingsPage({ limit: 1 })).items;
      expect(first).toMatchObject({
        datasetId: ds.id, artistSlug: 'monet', artistName: 'Claude Monet', relPath: 'images/monet/1.jpg', filePath: `${ROOT}/images/monet/1.jpg`,
        source: 'import', storedPath: null, title: 'Painting 1', width: 101, height: 200,
      });

      const monet = (await repo().artistsPage({ search: 'monet', limit: 1 })).items[0];
      const ofMonet = await allPages((after) => repo().paintingsPage({ artistId: monet.id, limit: 3, after }), 3);
      expect(ofMonet.map((p) => p.relPath)).toEqual([1, 2, 3, 4].map((n) => `images/monet/${n}.jpg`));
      const tests = await allPages((after) => repo().paintingsPage({ datasetId: ds.id, split: 'test', limit: 2, after }), 2);
      expect(tests.map((p) => p.artistSlug).sort()).toEqual(['anon-2', 'cezanne', 'cezanne']);
      // Style matches whole values, ignoring case, with no wildcards.
      const impressionism = await allPages((after) => repo().paintingsPage({ style: 'IMPRESSIONISM', limit: 4, after }), 4);
      expect(impressionism.length).toBeGreaterThan(0);
      expect(impressionism.every((p) => p.style!.toLowerCase() === 'impressionism')).toBe(true);
      expect(impressionism).toHaveLength(paintings().filter((p) => p.style!.toLowerCase() === 'impressionism').length);
      expect((await repo().paintingsPage({ style: 'post_impressionism', limit: 200 })).items.length).toBeGreaterThan(0);
      expect((await repo().paintingsPage({ style: 'Post%', limit: 200 })).items).toEqual([]);
      expect((await repo().paintingsPage({ style: 'Post_Impressionis_', limit: 200 })).items).toEqual([]);
    });

    it('continues a listing from its cursor even after rows were added and removed', async () => {
      const ds = await seed();
      const page1 = await repo().paintingsPage({ limit: 5 });
      const removed = page1.items[4].id;
      await repo().removePainting(removed);
      await repo().addApiPainting(apiPainting(ds.id, 1));
      const rest = await allPages((after) => repo().paintingsPage({ limit: 5, after: after ?? page1.nextCursor! }), 5);
      const ids = [...page1.items.map((p) => p.id), ...rest.map((p) => p.id)];
      expect(new Set(ids).size).toBe(ids.length);
      const now = (await db().prisma.painting.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map((p) => p.id);
      expect(ids.filter((id) => id !== removed)).toEqual(now);
    });

    it('rejects malformed cursors and out-of-range limits', async () => {
      await seed();
      const artistCursor = (await repo().artistsPage({ limit: 1 })).nextCursor!;
      const paintingCursor = (await repo().paintingsPage({ limit: 1 })).nextCursor!;
      const bad = [
        'not a cursor!', '', cursorOf('x').slice(0, -1) + '*', Buffer.from('{"id":').toString('base64url'), cursorOf([1]), cursorOf(null),
        cursorOf({ id: '5' }), cursorOf({ id: 1.5 }), cursorOf({ id: 2 ** 40 }), cursorOf({ id: 1, extra: true }), artistCursor, 'A'.repeat(5000),
      ];
      for (const after of bad) {
        const e = await errorOf(repo().paintingsPage({ limit: 5, after }));
        expect(e.code, after).toBe('CURSOR_INVALID');
        expect(e.status).toBe(400);
      }
      for (const after of [paintingCursor, cursorOf({ name: 5, id: 1 }), cursorOf({ name: 'x' })]) {
        expect((await errorOf(repo().artistsPage({ limit: 5, after }))).code).toBe('CURSOR_INVALID');
      }
      for (const limit of [0, 201, 1.5, -1, Number.NaN]) {
        expect((await errorOf(repo().artistsPage({ limit }))).code).toBe('INVALID_ARGUMENT');
        expect((await errorOf(repo().paintingsPage({ limit }))).code).toBe('INVALID_ARGUMENT');
      }
      expect((await errorOf(repo().paintingsPage({ limit: 5, split: 'holdout' as PaintingSplit }))).code).toBe('INVALID_ARGUMENT');
      // A cursor built by hand from a valid key is accepted: it is just the key.
      expect((await repo().paintingsPage({ limit: 200, after: cursorOf({ id: 0 }) })).items).toHaveLength(paintings().length);
    });

    it('looks up artists and paintings by id, one or many at a time', async () => {
      await seed();
      const [a] = (await repo().artistsPage({ search: 'degas', limit: 1 })).items;
      expect(await repo().getArtist(a.id)).toEqual(a);
      expect((await errorOf(repo().getArtist(a.id + 1000))).code).toBe('ARTIST_NOT_FOUND');

      const page = (await repo().paintingsPage({ limit: 3 })).items;
      expect(await repo().getPainting(page[1].id)).toEqual(page[1]);
      const e = await errorOf(repo().getPainting(99_999));
      expect([e.code, e.status]).toEqual(['PAINTING_NOT_FOUND', 404]);

      const many = await repo().getPaintings([page[2].id, 99_999, page[0].id, page[2].id]);
      expect([...many.keys()].sort((x, y) => x - y)).toEqual([page[0].id, page[2].id]);
      expect(many.get(page[0].id)).toEqual(page[0]);
      expect(await repo().getPaintings([])).toEqual(new Map());
    });

    it('lists the corpus for indexing, by id, with file paths for imported and added paintings', async () => {
      const ds = await seed();
      const other = await seed('/data/other');
      const added = await repo().addApiPainting(apiPainting(ds.id, 1));
      const corpus = await repo().corpus({ datasetId: ds.id });
      expect(corpus).toHaveLength(paintings().length + 1);
      expect(corpus.map((p) => p.id)).toEqual([...corpus.map((p) => p.id)].sort((x, y) => x - y));
      expect(corpus[0]).toEqual({ id: corpus[0].id, artistId: expect.any(Number), artistName: 'Claude Monet', split: expect.any(String), style: 'impressionism', filePath: `${ROOT}/images/monet/1.jpg` });
      expect(corpus.at(-1)).toEqual({ id: added.id, artistId: added.artistId, artistName: 'Gustav Klimt', split: 'added', style: 'Art Nouveau', filePath: added.storedPath });
      const otherCorpus = await repo().corpus({ datasetId: other.id });
      expect(otherCorpus.every((p) => p.filePath.startsWith('/data/other/'))).toBe(true);
      expect(await repo().corpus()).toHaveLength(2 * paintings().length + 1);
    });

    it('adds a painting through the API under a new artist, unseen in training', async () => {
      const ds = await seed();
      const p = await repo().addApiPainting(apiPainting(ds.id, 1, { artistName: '  Gustav Klimt ' }));
      expect(p).toMatchObject({
        datasetId: ds.id, split: 'added', source: 'api', storedPath: apiPainting(ds.id, 1).storedPath, filePath: apiPainting(ds.id, 1).storedPath,
        relPath: `added/${hash(1001)}.jpg`, sha256: hash(1001), title: 'Added 1', year: '1907', style: 'Art Nouveau', width: 640, height: 480,
        artistName: 'Gustav Klimt', artistSlug: 'gustav-klimt',
      });
      expect(await repo().getArtist(p.artistId!)).toMatchObject({ slug: 'gustav-klimt', name: 'Gustav Klimt', split: 'test', paintingCount: 1, source: 'api' });
      const second = await repo().addApiPainting(apiPainting(ds.id, 2, { artistName: 'GUSTAV   KLIMT', title: null, year: null, style: null }));
      expect(second).toMatchObject({ artistId: p.artistId, title: null, year: null, style: null });
      expect(await repo().getArtist(p.artistId!)).toMatchObject({ name: 'Gustav Klimt', paintingCount: 2 });
    });

    it('adds a painting to an existing artist matched by slug, counting it', async () => {
      const ds = await seed();
      const monet = (await repo().artistsPage({ datasetId: ds.id, search: 'monet', limit: 1 })).items[0];
      const p = await repo().addApiPainting(apiPainting(ds.id, 1, { artistName: 'monet' }));
      expect(p).toMatchObject({ artistId: monet.id, artistName: 'Claude Monet' });
      expect(await repo().getArtist(monet.id)).toMatchObject({ paintingCount: 5, split: 'train', source: 'import' });
    });

    it('refuses an image already in the dataset, naming the painting that has it', async () => {
      const ds = await seed();
      const other = await seed('/data/other');
      const imported = (await repo().paintingsPage({ datasetId: ds.id, limit: 1 })).items[0];
      const before = await db().prisma.artist.findMany({ orderBy: { id: 'asc' } });
      let e = await errorOf(repo().addApiPainting(apiPainting(ds.id, 1, { sha256: imported.sha256 })));
      expect([e.code, e.status, e.details]).toEqual(['PAINTING_DUPLICATE', 409, { existingId: imported.id }]);

      const added = await repo().addApiPainting(apiPainting(ds.id, 2));
      e = await errorOf(repo().addApiPainting(apiPainting(ds.id, 2, { artistName: 'Someone Else' })));
      expect(e.details).toEqual({ existingId: added.id });
      // The same image may be added to another dataset.
      await repo().addApiPainting(apiPainting(other.id, 2));

      const after = await db().prisma.artist.findMany({ where: { slug: { not: 'gustav-klimt' } }, orderBy: { id: 'asc' } });
      expect(after).toEqual(before);
      expect(await db().prisma.artist.count({ where: { slug: 'someone-else' } })).toBe(0);
      expect((await repo().getArtist(added.artistId!)).paintingCount).toBe(1);
    });

    it('lets concurrent additions of one new artist share it, and only one of the same image succeed', async () => {
      const ds = await seed();
      const added = await Promise.all([1, 2, 3, 4].map((n) => repo().addApiPainting(apiPainting(ds.id, n, { artistName: 'Egon Schiele' }))));
      expect(new Set(added.map((p) => p.artistId)).size).toBe(1);
      expect(await repo().getArtist(added[0].artistId!)).toMatchObject({ paintingCount: 4, source: 'api' });

      const same = await Promise.allSettled([1, 2, 3].map(() => repo().addApiPainting(apiPainting(ds.id, 9, { artistName: 'Koloman Moser' }))));
      expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of same) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'PAINTING_DUPLICATE' });
      const moser = await db().prisma.artist.findMany({ where: { slug: 'koloman-moser' } });
      expect(moser.map((a) => a.paintingCount)).toEqual([1]);
    });

    it('validates what is added', async () => {
      const ds = await seed();
      expect((await errorOf(repo().addApiPainting(apiPainting(ds.id + 100, 1)))).code).toBe('DATASET_NOT_FOUND');
      expect((await errorOf(repo().addApiPainting(apiPainting(ds.id, 1, { storedPath: 'paintings/x.jpg' })))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(repo().addApiPainting(apiPainting(ds.id, 1, { artistName: ' -- ' })))).code).toBe('INVALID_ARGUMENT');
      expect(await db().prisma.painting.count({ where: { source: 'api' } })).toBe(0);
    });

    it('removes a painting, keeping counts right and dropping an API artist with its last painting', async () => {
      const ds = await seed();
      const a = await repo().addApiPainting(apiPainting(ds.id, 1));
      const b = await repo().addApiPainting(apiPainting(ds.id, 2));
      const removed = await repo().removePainting(a.id);
      expect(removed).toMatchObject({ id: a.id, storedPath: a.storedPath, filePath: a.storedPath, artistName: 'Gustav Klimt' });
      expect(await repo().getArtist(a.artistId!)).toMatchObject({ paintingCount: 1 });
      expect((await errorOf(repo().getPainting(a.id))).code).toBe('PAINTING_NOT_FOUND');
      expect((await errorOf(repo().removePainting(a.id))).code).toBe('PAINTING_NOT_FOUND');
      await repo().removePainting(b.id);
      expect((await errorOf(repo().getArtist(a.artistId!))).code).toBe('ARTIST_NOT_FOUND');

      // An imported artist stays, even when its paintings are removed one by one.
      const morisot = (await repo().artistsPage({ search: 'morisot', limit: 1 })).items[0];
      const [only] = (await repo().paintingsPage({ artistId: morisot.id, limit: 5 })).items;
      expect(await repo().removePainting(only.id)).toMatchObject({ id: only.id, storedPath: null, filePath: `${ROOT}/${only.relPath}` });
      expect(await repo().getArtist(morisot.id)).toMatchObject({ paintingCount: 0, source: 'import' });
      // An API painting of an imported artist does not make it removable.
      const c = await repo().addApiPainting(apiPainting(ds.id, 3, { artistName: 'Berthe Morisot' }));
      await repo().removePainting(c.id);
      expect(await repo().getArtist(morisot.id)).toMatchObject({ paintingCount: 0 });
    });

    it('removes a painting only once under concurrent requests', async () => {
      const ds = await seed();
      const a = await repo().addApiPainting(apiPainting(ds.id, 1, { artistName: 'Monet' }));
      const results = await Promise.allSettled([1, 2, 3].map(() => repo().removePainting(a.id)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'PAINTING_NOT_FOUND' });
      expect((await repo().getArtist(a.artistId!)).paintingCount).toBe(4);
    });

    it('pings the database: true when it answers, false on error or timeout, never hanging', async () => {
      expect(await repo().ping(2000)).toBe(true);
      const hanging = { $queryRaw: () => new Promise(() => undefined) } as unknown as PrismaClient;
      let t = performance.now();
      expect(await new CatalogRepository(hanging).ping(50)).toBe(false);
      expect(performance.now() - t).toBeLessThan(1000);
      const failing = { $queryRaw: () => Promise.reject(new Error('connection refused')) } as unknown as PrismaClient;
      expect(await new CatalogRepository(failing).ping(1000)).toBe(false);
      const throwing = { $queryRaw: () => { throw new Error('closed'); } } as unknown as PrismaClient;
      t = performance.now();
      expect(await new CatalogRepository(throwing).ping(1000)).toBe(false);
      expect(performance.now() - t).toBeLessThan(500);
    });
  });
}
