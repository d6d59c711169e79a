import { describe, expect, it } from 'vitest';
import { CatalogRepository } from '../../src/db/repositories/catalog-repository.js';
import { DatasetRepository } from '../../src/db/repositories/dataset-repository.js';
import type { ArtistInput, DatasetContents, NewApiPainting, PaintingInput, PaintingSplit } from '../../src/db/types.js';
import { PainterError } from '../../src/errors.js';
import { TARGETS, useDatabase } from './helpers.js';

const ROOT = '/data/wikiart';
const hash = (n: number) => n.toString(16).padStart(64, '0');

function painting(n: number, artistSlug: string, split: PaintingSplit = 'train', extra: Partial<PaintingInput> = {}): PaintingInput {
  return { artistSlug, relPath: `train/${n}.jpg`, sha256: hash(n), title: `Painting ${n}`, year: 'c.1890', style: 'Impressionism', width: 640, height: 480, split, ...extra };
}

function contents(): DatasetContents {
  const artists: ArtistInput[] = [
    { slug: 'monet', name: 'Claude Monet', split: 'train', paintingCount: 3 },
    { slug: 'degas', name: 'Edgar Degas', split: 'train', paintingCount: 2 },
    { slug: 'cezanne', name: 'Paul Cézanne', split: 'test', paintingCount: 1 },
  ];
  return {
    artists,
    paintings: [
      painting(1, 'monet'),
      painting(2, 'monet'),
      painting(3, 'monet', 'validation'),
      painting(4, 'degas', 'train', { title: null, year: null, style: null }),
      painting(5, 'degas'),
      painting(6, 'cezanne', 'test'),
    ],
    skipped: [
      { relPath: 'train/broken.jpg', reason: 'unreadable image' },
      { relPath: 'train/notes.txt', reason: 'not an image' },
    ],
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PainterError);
    return (e as PainterError).code;
  }
  throw new Error('expected a rejection');
}

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`DatasetRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new DatasetRepository(db().prisma);
    const newDataset = (rootPath = ROOT) =>
      repo().upsertDataset({ rootPath, name: 'wikiart', layout: 'kaggle-train-info', seed: 42, stats: { paintings: 6 } });

    async function snapshot(datasetId: number) {
      const r = repo();
      return { paintings: await r.listPaintings(datasetId), artists: await r.listArtists(datasetId), skipped: await r.listSkipped(datasetId) };
    }

    it('upserts a dataset by its root path', async () => {
      const first = await newDataset();
      expect(first).toMatchObject({ id: expect.any(Number), rootPath: ROOT, layout: 'kaggle-train-info', seed: 42, stats: { paintings: 6 } });
      const again = await repo().upsertDataset({ rootPath: ROOT, name: 'renamed', layout: 'labels-csv', seed: 7, stats: { paintings: 9, skipped: 1 } });
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({ name: 'renamed', layout: 'labels-csv', seed: 7, stats: { paintings: 9, skipped: 1 } });
      expect(again.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect(await repo().list()).toHaveLength(1);
      expect(await repo().findByRootPath(ROOT)).toEqual(again);
      expect(await repo().findById(first.id)).toEqual(again);
      expect(await repo().findById(first.id + 100)).toBeNull();
    });

    it('rejects relative roots and unknown layouts', async () => {
      expect(await codeOf(newDataset('data/wikiart'))).toBe('INVALID_ARGUMENT');
      const bad = { rootPath: ROOT, name: 'x', layout: 'zip-file', seed: 1, stats: {} } as unknown as Parameters<DatasetRepository['upsertDataset']>[0];
      expect(await codeOf(repo().upsertDataset(bad))).toBe('INVALID_ARGUMENT');
      expect(await repo().list()).toEqual([]);
    });

    it('latest() is the most recently imported dataset', async () => {
      expect(await repo().latest()).toBeNull();
      const a = await newDataset('/data/a');
      const b = await newDataset('/data/b');
      expect((await repo().latest())!.id).toBe(b.id);
      await newDataset('/data/a');
      expect((await repo().latest())!.id).toBe(a.id);
    });

    it('stores contents and lists paintings by split with their artist', async () => {
      const ds = await newDataset();
      const summary = await repo().replaceContents(ds.id, contents());
      expect(summary).toEqual({
        added: 6, updated: 0, removed: 0, unchanged: 0,
        artists: { added: 3, updated: 0, removed: 0, unchanged: 0 },
        skipped: { added: 2, updated: 0, removed: 0, unchanged: 0 },
      });
      const train = await repo().listPaintings(ds.id, 'train');
      expect(train.map((p) => [p.relPath, p.artistSlug, p.split])).toEqual([
        ['train/1.jpg', 'monet', 'train'],
        ['train/2.jpg', 'monet', 'train'],
        ['train/4.jpg', 'degas', 'train'],
        ['train/5.jpg', 'degas', 'train'],
      ]);
      expect(train[0]).toMatchObject({ datasetId: ds.id, sha256: hash(1), title: 'Painting 1', year: 'c.1890', style: 'Impressionism', width: 640, height: 480, artistName: 'Claude Monet' });
      expect(train[2]).toMatchObject({ title: null, year: null, style: null });
      expect((await repo().listPaintings(ds.id, 'validation')).map((p) => p.relPath)).toEqual(['train/3.jpg']);
      expect((await repo().listPaintings(ds.id, ['validation', 'test'])).map((p) => p.relPath)).toEqual(['train/3.jpg', 'train/6.jpg']);
      expect(await repo().listPaintings(ds.id)).toHaveLength(6);
      expect((await repo().listArtists(ds.id)).map((a) => [a.slug, a.split, a.paintingCount])).toEqual([
        ['monet', 'train', 3],
        ['degas', 'train', 2],
        ['cezanne', 'test', 1],
      ]);
      expect((await repo().listSkipped(ds.id)).map((s) => [s.relPath, s.reason])).toEqual([
        ['train/broken.jpg', 'unreadable image'],
        ['train/notes.txt', 'not an image'],
      ]);
    });

    it('is idempotent: replacing with the same contents changes nothing and duplicates nothing', async () => {
      const ds = await newDataset();
      await repo().replaceContents(ds.id, contents());
      const before = await snapshot(ds.id);
      const summary = await repo().replaceContents(ds.id, contents());
      expect(summary).toEqual({
        added: 0, updated: 0, removed: 0, unchanged: 6,
        artists: { added: 0, updated: 0, removed: 0, unchanged: 3 },
        skipped: { added: 0, updated: 0, removed: 0, unchanged: 2 },
      });
      expect(await snapshot(ds.id)).toEqual(before);
      expect(await db().prisma.painting.count()).toBe(6);
      expect(await db().prisma.artist.count()).toBe(3);
      expect(await db().prisma.skippedFile.count()).toBe(2);
    });

    it('removes paintings, artists and skipped files that are gone, and updates what changed', async () => {
      const ds = await newDataset();
      await repo().replaceContents(ds.id, contents());
      const before = await repo().listPaintings(ds.id);
      const next = contents();
      next.artists = next.artists.filter((a) => a.slug !== 'cezanne').map((a) => (a.slug === 'monet' ? { ...a, paintingCount: 2 } : a));
      next.paintings = next.paintings
        .filter((p) => p.relPath !== 'train/2.jpg' && p.artistSlug !== 'cezanne')
        .map((p) => (p.relPath === 'train/1.jpg' ? { ...p, split: 'test' as const } : p))
        .map((p) => (p.relPath === 'train/4.jpg' ? { ...p, title: 'Dancers', year: '1874' } : p));
      next.paintings.push(painting(7, 'degas'));
      next.skipped = [{ relPath: 'train/broken.jpg', reason: 'truncated JPEG' }, { relPath: 'train/tiny.jpg', reason: 'too small' }];

      const summary = await repo().replaceContents(ds.id, next);
      expect(summary).toEqual({
        added: 1, updated: 2, removed: 2, unchanged: 2,
        artists: { added: 0, updated: 1, removed: 1, unchanged: 1 },
        skipped: { added: 1, updated: 1, removed: 1, unchanged: 0 },
      });
      const after = await repo().listPaintings(ds.id);
      expect(after.map((p) => p.relPath)).toEqual(['train/1.jpg', 'train/3.jpg', 'train/4.jpg', 'train/5.jpg', 'train/7.jpg']);
      expect(after.find((p) => p.relPath === 'train/1.jpg')).toMatchObject({ split: 'test', id: before[0].id });
      expect(after.find((p) => p.relPath === 'train/4.jpg')).toMatchObject({ title: 'Dancers', year: '1874', id: before[3].id });
      expect((await repo().listArtists(ds.id)).map((a) => [a.slug, a.paintingCount])).toEqual([['monet', 2], ['degas', 2]]);
      expect((await repo().listSkipped(ds.id)).map((s) => [s.relPath, s.reason]).sort()).toEqual([
        ['train/broken.jpg', 'truncated JPEG'],
        ['train/tiny.jpg', 'too small'],
      ]);
      // And the new state is itself stable.
      expect(await repo().replaceContents(ds.id, next)).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 5 });
    });

    it('keeps the row of a moved file, of a file rewritten in place, and of files that swapped paths', async () => {
      const ds = await newDataset();
      await repo().replaceContents(ds.id, contents());
      const before = await repo().listPaintings(ds.id);
      const idOfHash = new Map(before.map((p) => [p.sha256, p.id]));
      const next = contents();
      next.paintings = next.paintings.map((p) => {
        if (p.sha256 === hash(1)) return { ...p, relPath: 'moved/1.jpg' };
        if (p.sha256 === hash(2)) return { ...p, sha256: hash(102), width: 1280 };
        if (p.sha256 === hash(4)) return { ...p, relPath: 'train/5.jpg' };
        if (p.sha256 === hash(5)) return { ...p, relPath: 'train/4.jpg' };
        return p;
      });
      const summary = await repo().replaceContents(ds.id, next);
      expect(summary).toMatchObject({ added: 0, removed: 0, updated: 4, unchanged: 2 });
      const after = await repo().listPaintings(ds.id);
      expect(after.map((p) => p.id).sort()).toEqual(before.map((p) => p.id).sort());
      const byHash = (n: number) => after.find((p) => p.sha256 === hash(n))!;
      for (const n of [1, 3, 4, 5, 6]) expect(byHash(n).id).toBe(idOfHash.get(hash(n)));
      expect([byHash(1).relPath, byHash(4).relPath, byHash(5).relPath]).toEqual(['moved/1.jpg', 'train/5.jpg', 'train/4.jpg']);
      expect(byHash(102)).toMatchObject({ id: idOfHash.get(hash(2)), relPath: 'train/2.jpg', width: 1280 });
      expect(await repo().replaceContents(ds.id, next)).toMatchObject({ updated: 0, unchanged: 6 });
    });

    it('rejects inconsistent contents without writing anything', async () => {
      const ds = await newDataset();
      await repo().replaceContents(ds.id, contents());
      const before = await snapshot(ds.id);

      const unknownArtist = contents();
      unknownArtist.paintings.push(painting(8, 'vermeer'));
      expect(await codeOf(repo().replaceContents(ds.id, unknownArtist))).toBe('INVALID_ARGUMENT');

      const duplicateContent = contents();
      duplicateContent.paintings.push(painting(1, 'degas', 'train', { relPath: 'copy/1.jpg' }));
      await expect(repo().replaceContents(ds.id, duplicateContent)).rejects.toThrow(/Duplicate painting contents/);

      const badSplit = contents();
      badSplit.paintings[0] = { ...badSplit.paintings[0], split: 'holdout' as PaintingSplit };
      expect(await codeOf(repo().replaceContents(ds.id, badSplit))).toBe('INVALID_ARGUMENT');

      const apiSplit = contents();
      apiSplit.paintings[0] = { ...apiSplit.paintings[0], split: 'added' };
      await expect(repo().replaceContents(ds.id, apiSplit)).rejects.toThrow(/reserved for paintings added through the API/);

      expect(await snapshot(ds.id)).toEqual(before);
      expect(await codeOf(repo().replaceContents(ds.id + 100, contents()))).toBe('DATASET_NOT_FOUND');
    });

    it('rolls the whole replacement back when the database rejects part of it', async () => {
      const ds = await newDataset();
      await repo().replaceContents(ds.id, contents());
      const before = await snapshot(ds.id);
      const next = contents();
      next.paintings.push(painting(9, 'monet', 'train', { width: 2 ** 40 }));
      next.skipped = [];
      await expect(repo().replaceContents(ds.id, next)).rejects.toThrow();
      expect(await snapshot(ds.id)).toEqual(before);
    });

    it('keeps datasets apart', async () => {
      const a = await newDataset('/data/a');
      const b = await newDataset('/data/b');
      await repo().replaceContents(a.id, contents());
      await repo().replaceContents(b.id, contents());
      const smaller = contents();
      smaller.paintings = smaller.paintings.slice(0, 5);
      smaller.artists = smaller.artists.slice(0, 2);
      await repo().replaceContents(b.id, smaller);
      expect(await repo().listPaintings(a.id)).toHaveLength(6);
      expect(await repo().listPaintings(b.id)).toHaveLength(5);
    });

    it('stores an unlabelled folder: paintings without artists, listed for search but never for training', async () => {
      const ds = await repo().upsertDataset({ rootPath: '/data/kaggle-test', name: 'test', layout: 'unlabelled-folder', seed: 0, stats: {} });
      const unlabelled = (n: number) => painting(n, null as unknown as string, 'unlabelled', { artistSlug: null, relPath: `${n}.jpg` });
      expect(await repo().replaceContents(ds.id, { artists: [], paintings: [unlabelled(1), unlabelled(2)], skipped: [] })).toMatchObject({ added: 2 });
      expect(await repo().listPaintings(ds.id)).toEqual([]);
      expect(await repo().countUnlabelled(ds.id)).toBe(2);
      const corpus = await new CatalogRepository(db().prisma).corpus({ datasetId: (await newDataset()).id });
      expect(corpus.map((p) => [p.artistId, p.artistName, p.split])).toEqual([[null, null, 'unlabelled'], [null, null, 'unlabelled']]);
      // An unlabelled folder is never the dataset training defaults to.
      expect((await repo().latest())!.layout).toBe('kaggle-train-info');
      // Exactly the paintings without an artist are in the split 'unlabelled'.
      expect(await codeOf(repo().replaceContents(ds.id, { artists: [], paintings: [{ ...unlabelled(3), split: 'test' }], skipped: [] }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(repo().replaceContents(ds.id, { ...contents(), paintings: [painting(9, 'monet', 'unlabelled')] }))).toBe('INVALID_ARGUMENT');
    });

    describe('with paintings added through the API', () => {
      const catalog = () => new CatalogRepository(db().prisma);
      const added = (datasetId: number, n: number, artistName: string, extra: Partial<NewApiPainting> = {}): NewApiPainting => ({
        datasetId, artistName, relPath: `added/${hash(500 + n)}.jpg`, storedPath: `/srv/added/${hash(500 + n)}.jpg`, sha256: hash(500 + n), width: 10, height: 10, ...extra,
      });
      const counts = async (datasetId: number) =>
        Object.fromEntries((await repo().listArtists(datasetId)).map((a) => [a.slug, [a.paintingCount, a.source]]));

      it('re-imports without touching them, and counts them with their artists', async () => {
        const ds = await newDataset();
        await repo().replaceContents(ds.id, contents());
        const toMonet = await catalog().addApiPainting(added(ds.id, 1, 'Monet'));
        const toKlimt = await catalog().addApiPainting(added(ds.id, 2, 'Gustav Klimt', { title: 'The Kiss', style: 'Art Nouveau' }));
        expect(await counts(ds.id)).toEqual({ monet: [4, 'import'], degas: [2, 'import'], cezanne: [1, 'import'], 'gustav-klimt': [1, 'api'] });
        const before = await repo().listPaintings(ds.id);

        const summary = await repo().replaceContents(ds.id, contents());
        expect(summary).toEqual({
          added: 0, updated: 0, removed: 0, unchanged: 6,
          artists: { added: 0, updated: 0, removed: 0, unchanged: 4 },
          skipped: { added: 0, updated: 0, removed: 0, unchanged: 2 },
        });
        expect(await repo().listPaintings(ds.id)).toEqual(before);
        expect(before.find((p) => p.id === toKlimt.id)).toMatchObject({
          split: 'added', source: 'api', storedPath: `/srv/added/${hash(502)}.jpg`, title: 'The Kiss', artistSlug: 'gustav-klimt',
        });
        expect(await counts(ds.id)).toEqual({ monet: [4, 'import'], degas: [2, 'import'], cezanne: [1, 'import'], 'gustav-klimt': [1, 'api'] });
        expect((await repo().listPaintings(ds.id, 'added')).map((p) => p.id)).toEqual([toMonet.id, toKlimt.id]);
        expect(await repo().listPaintings(ds.id, ['train', 'validation', 'test'])).toHaveLength(6);
      });

      it('keeps an artist the folder no longer has while API paintings name it, and hands it back to the import later', async () => {
        const ds = await newDataset();
        await repo().replaceContents(ds.id, contents());
        const monetId = (await repo().listArtists(ds.id)).find((a) => a.slug === 'monet')!.id;
        const kept = await catalog().addApiPainting(added(ds.id, 1, 'Monet'));

        const withoutMonet = contents();
        withoutMonet.artists = withoutMonet.artists.filter((a) => a.slug !== 'monet');
        withoutMonet.paintings = withoutMonet.paintings.filter((p) => p.artistSlug !== 'monet');
        const summary = await repo().replaceContents(ds.id, withoutMonet);
        expect(summary).toMatchObject({ removed: 3, artists: { added: 0, updated: 1, removed: 0, unchanged: 2 } });
        expect(await counts(ds.id)).toEqual({ monet: [1, 'api'], degas: [2, 'import'], cezanne: [1, 'import'] });
        expect((await repo().listPaintings(ds.id)).filter((p) => p.artistSlug === 'monet').map((p) => p.id)).toEqual([kept.id]);
        expect(await repo().replaceContents(ds.id, withoutMonet)).toMatchObject({ artists: { updated: 0, unchanged: 3 } });

        // Back in the folder: an imported artist again, with the same row.
        await repo().replaceContents(ds.id, contents());
        expect(await counts(ds.id)).toEqual({ monet: [4, 'import'], degas: [2, 'import'], cezanne: [1, 'import'] });
        expect((await repo().listArtists(ds.id)).find((a) => a.slug === 'monet')!.id).toBe(monetId);
        // Removing its API painting leaves an imported artist in place.
        await catalog().removePainting(kept.id);
        expect(await counts(ds.id)).toMatchObject({ monet: [3, 'import'] });

        // An API artist the folder starts to list becomes an imported one.
        const klimt = await catalog().addApiPainting(added(ds.id, 2, 'Gustav Klimt'));
        const withKlimt = contents();
        withKlimt.artists.push({ slug: 'gustav-klimt', name: 'Gustav Klimt', split: 'train', paintingCount: 1 });
        withKlimt.paintings.push(painting(20, 'gustav-klimt'));
        await repo().replaceContents(ds.id, withKlimt);
        expect(await counts(ds.id)).toMatchObject({ 'gustav-klimt': [2, 'import'] });
        await catalog().removePainting(klimt.id);
        expect(await counts(ds.id)).toMatchObject({ 'gustav-klimt': [1, 'import'] });
      });

      it('leaves a file the folder now also holds to the API painting that has it', async () => {
        const ds = await newDataset();
        await repo().replaceContents(ds.id, contents());
        const api = await catalog().addApiPainting(added(ds.id, 1, 'Gustav Klimt', { relPath: 'added/klimt.jpg' }));
        const next = contents();
        next.artists.push({ slug: 'gustav-klimt', name: 'Gustav Klimt', split: 'train', paintingCount: 2 });
        // The same image under the folder's own path, and another file at the API painting's path.
        next.paintings.push(painting(501, 'gustav-klimt', 'train', { relPath: 'train/klimt.jpg' }));
        next.paintings.push(painting(30, 'gustav-klimt', 'train', { relPath: 'added/klimt.jpg' }));
        next.paintings.push(painting(31, 'degas', 'train'));
        next.artists = next.artists.map((a) => (a.slug === 'degas' ? { ...a, paintingCount: 3 } : a));

        const summary = await repo().replaceContents(ds.id, next);
        expect(summary).toMatchObject({ added: 1, removed: 0, unchanged: 6 });
        expect(await repo().listPaintings(ds.id, 'added')).toEqual([
          expect.objectContaining({ id: api.id, relPath: 'added/klimt.jpg', sha256: hash(501), source: 'api', storedPath: api.storedPath }),
        ]);
        expect(await counts(ds.id)).toEqual({ monet: [3, 'import'], degas: [3, 'import'], cezanne: [1, 'import'], 'gustav-klimt': [1, 'import'] });
        expect(await repo().replaceContents(ds.id, next)).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 7, artists: { updated: 0 } });
      });
    });

    it('imports 10,000 paintings in seconds and re-imports them as a no-op', async () => {
      const ds = await newDataset();
      const artists: ArtistInput[] = Array.from({ length: 200 }, (_, a) => ({ slug: `artist-${a}`, name: `Artist ${a}`, split: a % 5 === 0 ? 'test' : 'train', paintingCount: 50 }));
      const paintings = Array.from({ length: 10_000 }, (_, i) => {
        const a = i % 200;
        return painting(i + 1, `artist-${a}`, a % 5 === 0 ? 'test' : i % 10 === 0 ? 'validation' : 'train', { relPath: `images/${a}/${i}.jpg` });
      });
      const big: DatasetContents = { artists, paintings, skipped: [] };

      let t = performance.now();
      expect(await repo().replaceContents(ds.id, big)).toMatchObject({ added: 10_000, updated: 0, removed: 0 });
      const firstSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      expect(await repo().replaceContents(ds.id, big)).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 10_000 });
      const againSeconds = (performance.now() - t) / 1000;
      // A new seed moves many paintings to other splits: grouped updates, not one statement each.
      const resplit = { ...big, paintings: big.paintings.map((p, i) => (i % 3 === 0 && p.split !== 'test' ? { ...p, split: p.split === 'train' ? ('validation' as const) : ('train' as const) } : p)) };
      t = performance.now();
      const moved = await repo().replaceContents(ds.id, resplit);
      const resplitSeconds = (performance.now() - t) / 1000;
      expect(moved.updated).toBeGreaterThan(2000);
      expect(moved.added + moved.removed).toBe(0);

      console.log(`${target.name}: 10k import ${firstSeconds.toFixed(2)} s, no-op ${againSeconds.toFixed(2)} s, re-split ${resplitSeconds.toFixed(2)} s`);
      // Room for a machine shared by several suites (the first import took 27–33 s under such load,
      // 8–9 s with the machine less busy); a statement per painting would take minutes.
      expect(firstSeconds).toBeLessThan(60);
      expect(againSeconds).toBeLessThan(60);
      expect(resplitSeconds).toBeLessThan(60);
      expect(await db().prisma.painting.count({ where: { datasetId: ds.id } })).toBe(10_000);
      expect(await repo().listPaintings(ds.id, 'test')).toHaveLength(2000);
    });
  });
}
