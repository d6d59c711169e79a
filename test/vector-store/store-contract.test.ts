/**
 * One contract, both stores: every query the server makes (nearest k, filters by split and style,
 * excluding an artist and the query painting, leaving unlabelled paintings out, a stored vector by
 * id with its artist and cohort radius, all ids, live additions and removals seen by a second process) gives the same answers through hnswlib and pgvector, up to
 * recall, against exact search over the same vectors. pgvector stores half precision, so its
 * distances are compared with a tolerance measured in the bench (README, Scale-out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors, heldOutQueries } from '../../bench/lib/synthetic.js';
import { openDatabase, IN_MEMORY, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import type { IndexBuild, PaintingInput, PaintingSplit, VectorStoreName } from '../../src/db/types.js';
import { exactSearch } from '../../src/index/exact-search.js';
import type { BuildVectors, IndexEntry, VectorFilter } from '../../src/vector-store/types.js';
import { VectorStores } from '../../src/vector-store/vector-stores.js';
import { dropSchema, errorOf, freshSchemaName, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';
import { pgvectorTestsEnabled } from '../support/pgvector.js';

const DIM = 2048;
const CLUSTERS = 12;
const PER_CLUSTER = 25;
const K = 10;
const PARAMS = { M: 16, efConstruction: 100, ef: 100 };
const STYLES = ['Baroque', 'Cubism', 'Ukiyo-e'];
const SPLITS: PaintingSplit[] = ['train', 'validation', 'test'];
const UNLABELLED_EVERY = 9;

interface Target {
  name: string;
  store: VectorStoreName;
  database: 'pglite' | 'postgres';
  enabled: boolean;
  /** Largest acceptable distance error (half precision for pgvector). */
  distanceTolerance: number;
}

const TARGETS: Target[] = [
  { name: 'hnswlib on PGlite', store: 'hnswlib', database: 'pglite', enabled: true, distanceTolerance: 1e-4 },
  { name: 'hnswlib on PostgreSQL', store: 'hnswlib', database: 'postgres', enabled: TEST_DATABASE_URL !== undefined, distanceTolerance: 1e-4 },
  { name: 'pgvector', store: 'pgvector', database: 'postgres', enabled: await pgvectorTestsEnabled('pgvector store tests'), distanceTolerance: 2e-2 },
];

const data = clusteredVectors({ clusters: CLUSTERS, perCluster: PER_CLUSTER, dim: DIM, latentDim: 16, clusterSpread: [1, 1.5], noise: 0.1, radius: 5, seed: 7 });
const queries = heldOutQueries(data, 20, 11);
const queryVector = (q: number) => queries.rows.slice(q * DIM, (q + 1) * DIM);

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`vector store contract: ${target.name}`, () => {
    let db: Database;
    let schema: string | undefined;
    let repos: Repositories;
    let stores: VectorStores;
    let build: IndexBuild;
    let served: BuildVectors;
    /** Painting ids in row order, and what filters see of each. */
    let entries: IndexEntry[];
    const styleOf = new Map<number, string>();

    beforeAll(async () => {
      if (target.database === 'pglite') {
        db = await openDatabase({ embeddedDbDir: IN_MEMORY });
      } else {
        schema = freshSchemaName();
        db = await openDatabase({ databaseUrl: urlWithSchema(TEST_DATABASE_URL!, schema), embeddedDbDir: '' });
      }
      repos = createRepositories(db);
      stores = new VectorStores({ vectorStore: target.store, dataDir: `/tmp/painter-store-contract-${process.pid}-${target.store}-${target.database}` }, db, repos);
      await stores.ensureReady();
      entries = await seedCatalog(repos);
      for (const e of entries) styleOf.set(e.id, e.style!);
      const model = await repos.models.create({ preset: 'small', config: {}, dir: (v) => `/models/v${v}`, embeddingDim: DIM });
      await repos.models.markComplete(model.version);
      const store = stores.current;
      build = await repos.builds.create({ modelVersion: model.version, datasetId: null, dir: (id) => store.location(id), params: PARAMS, dim: DIM, store: target.store });
      const written = await store.write(build, { vectors: data.rows, entries });
      expect(written.elementCount).toBe(entries.length);
      expect(written.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(written.bytes).toBeGreaterThan(entries.length * DIM);
      build = await repos.builds.markComplete(build.id, { elementCount: written.elementCount, buildSeconds: written.seconds, checksum: written.checksum });
      served = await store.open(build);
    });
    afterAll(async () => {
      served?.close();
      if (build) await stores.of(build).drop(build);
      await db?.close();
      if (schema) await dropSchema(schema);
    });

    const rows = () => ({ rows: data.rows, labels: entries.map((e) => e.id), dim: DIM });
    const exact = (q: Float32Array, k: number, filter: VectorFilter = {}) =>
      exactSearch(rows(), q, k, (label) => {
        const e = entries.find((x) => x.id === label)!;
        if (label === filter.excludeId) return false;
        if (filter.splits && !filter.splits.includes(e.split)) return false;
        if (filter.style && e.style !== filter.style.toLowerCase()) return false;
        if (filter.labelledOnly && e.artistId === null) return false;
        return filter.excludeArtistId == null || e.artistId !== filter.excludeArtistId;
      });

    it('answers the k nearest as exact search does, nearest first, with Euclidean distances', async () => {
      expect(served.size).toBe(entries.length);
      expect(served.dim).toBe(DIM);
      let found = 0;
      for (let q = 0; q < 20; q++) {
        const hits = await served.search(queryVector(q), K);
        const truth = exact(queryVector(q), K);
        expect(hits).toHaveLength(K);
        found += hits.filter((h) => truth.some((t) => t.label === h.label)).length;
        for (let i = 1; i < hits.length; i++) expect(hits[i].distance).toBeGreaterThanOrEqual(hits[i - 1].distance - 1e-9);
        const truthDistance = new Map(truth.map((t) => [t.label, t.distance]));
        for (const h of hits) {
          const own = entries.find((e) => e.id === h.label)!;
          expect(h.artistId).toBe(own.artistId);
          if (truthDistance.has(h.label)) expect(Math.abs(h.distance - truthDistance.get(h.label)!)).toBeLessThan(target.distanceTolerance);
        }
      }
      expect(found / (20 * K)).toBeGreaterThanOrEqual(0.95);
    });

    it('applies every filter, alone and together, and still returns k results', async () => {
      const someArtist = entries[0].artistId;
      const filters: VectorFilter[] = [
        { splits: ['test'] },
        { splits: ['train', 'validation'] },
        { style: 'CUBISM' },
        { excludeArtistId: someArtist },
        { excludeId: entries[3].id },
        { splits: ['test'], style: 'baroque', excludeArtistId: someArtist },
        { labelledOnly: true },
        { labelledOnly: true, excludeArtistId: someArtist, style: 'ukiyo-e' },
      ];
      for (const filter of filters) {
        for (let q = 0; q < 5; q++) {
          const hits = await served.search(queryVector(q), K, filter);
          const truth = exact(queryVector(q), K, filter);
          expect({ filter, n: hits.length }).toEqual({ filter, n: truth.length });
          for (const h of hits) {
            const e = entries.find((x) => x.id === h.label)!;
            if (filter.splits) expect(filter.splits).toContain(e.split);
            if (filter.style) expect(e.style).toBe(filter.style.toLowerCase());
            if (filter.excludeArtistId != null) expect(e.artistId).not.toBe(filter.excludeArtistId);
            if (filter.labelledOnly) expect(h.artistId).not.toBeNull();
            expect(h.label).not.toBe(filter.excludeId);
          }
          const overlap = hits.filter((h) => truth.some((t) => t.label === h.label)).length;
          expect(overlap).toBeGreaterThanOrEqual(truth.length - 1);
        }
      }
    });

    it('returns every matching painting for a filter that matches fewer than k', async () => {
      // One artist, one split: a handful of paintings, far fewer than the graph walk would meet.
      const target = entries.find((e) => e.split === 'test')!;
      const few = entries.filter((e) => e.split === 'test' && e.style === target.style && e.artistId === target.artistId);
      const hits = await served.search(queryVector(0), 50, { splits: ['test'], style: target.style, excludeArtistId: null });
      const expected = entries.filter((e) => e.split === 'test' && e.style === target.style).length;
      expect(hits.length).toBe(Math.min(50, expected));
      expect(few.every((f) => hits.some((h) => h.label === f.id))).toBe(true);
    });

    it('keeps unlabelled paintings out of what an artist ranking searches, and in every other search', async () => {
      const unlabelled = entries.filter((e) => e.artistId === null);
      expect(unlabelled.length).toBeGreaterThan(0);
      const at = entries.indexOf(unlabelled[0]);
      const own = data.rows.slice(at * DIM, (at + 1) * DIM);
      const hits = await served.search(own, 1);
      expect(hits[0]).toMatchObject({ label: unlabelled[0].id, artistId: null });
      // Leaving one artist out keeps the unlabelled paintings (no artist is not that artist).
      expect((await served.search(own, 1, { excludeArtistId: entries[0].artistId }))[0].label).toBe(unlabelled[0].id);
      const labelled = await served.search(own, K, { labelledOnly: true });
      expect(labelled).toHaveLength(K);
      expect(labelled.every((h) => h.artistId !== null)).toBe(true);
    });

    it('carries each painting\'s cohort radius with its hits and its stored vector', async () => {
      const radiusOf = new Map(entries.map((e) => [e.id, e.radius!]));
      for (let q = 0; q < 5; q++) {
        for (const h of await served.search(queryVector(q), K)) expect(h.radius).toBeCloseTo(radiusOf.get(h.label)!, 5);
      }
      expect((await served.get(entries[4].id))!.radius).toBeCloseTo(entries[4].radius!, 5);
    });

    it('gives back a stored vector by id (to half precision in pgvector), and null for one it does not hold', async () => {
      const id = entries[5].id;
      const got = (await served.get(id))!;
      expect(got.artistId).toBe(entries[5].artistId);
      const original = data.rows.subarray(5 * DIM, 6 * DIM);
      let err = 0;
      for (let i = 0; i < DIM; i++) err = Math.max(err, Math.abs(got.vector[i] - original[i]));
      expect(err).toBeLessThan(target.store === 'pgvector' ? 1e-3 : 1e-7);
      expect(await served.get(999_999)).toBeNull();
      expect(await served.ids()).toEqual(entries.map((e) => e.id).sort((a, b) => a - b));
      const two = await served.vectors([entries[7].id, entries[2].id]);
      expect(two.length).toBe(2 * DIM);
      expect(Math.abs(two[DIM] - data.rows[2 * DIM])).toBeLessThan(1e-3);
    });

    it('adds and removes paintings live, and another process sees the changes after a refresh', async () => {
      const other = await stores.of(build).open(build);
      try {
        const vector = queryVector(19);
        const added: IndexEntry = { id: 5000, artistId: entries[0].artistId, split: 'added', style: 'baroque', radius: 3.5 };
        await served.add(added, vector);
        expect(served.size).toBe(entries.length + 1);
        expect((await served.search(vector, 1))[0]).toMatchObject({ label: 5000, artistId: added.artistId, radius: 3.5 });
        expect((await served.search(vector, 1, { splits: ['added'] }))[0].label).toBe(5000);

        await other.refresh();
        expect(other.size).toBe(entries.length + 1);
        expect((await other.search(vector, 1))[0]).toMatchObject({ label: 5000, radius: 3.5 });
        // An unlabelled painting added live: seen by the other process, never in a labelled search.
        await served.add({ id: 5001, artistId: null, split: 'added', style: null }, queryVector(18));
        await other.refresh();
        expect((await other.search(queryVector(18), 1))[0]).toMatchObject({ label: 5001, artistId: null, radius: null });
        expect((await other.search(queryVector(18), K, { labelledOnly: true })).map((h) => h.label)).not.toContain(5001);
        expect(await served.remove(5001)).toBe(true);

        const reopened = await stores.of(build).open(build);
        expect((await reopened.search(vector, 1))[0].label).toBe(5000);
        reopened.close();

        expect(await served.remove(5000)).toBe(true);
        expect(await served.remove(5000)).toBe(false);
        expect(served.size).toBe(entries.length);
        expect((await served.search(vector, 3)).map((h) => h.label)).not.toContain(5000);
        await other.refresh();
        expect(other.size).toBe(entries.length);
        expect((await other.search(vector, 3)).map((h) => h.label)).not.toContain(5000);
        expect(await other.get(5000)).toBeNull();
      } finally {
        other.close();
      }
    });

    it('refuses to open a build whose vectors were dropped', async () => {
      const store = stores.of(build);
      const scratch = await repos.builds.create({ modelVersion: build.modelVersion, dir: (id) => store.location(id), params: PARAMS, dim: DIM, store: target.store });
      const written = await store.write(scratch, { vectors: data.rows.slice(0, 10 * DIM), entries: entries.slice(0, 10) });
      const complete = await repos.builds.markComplete(scratch.id, { elementCount: 10, buildSeconds: written.seconds, checksum: written.checksum });
      (await store.open(complete)).close();
      await store.drop(complete);
      await store.drop(complete);
      expect((await errorOf(store.open(complete))).code).toBe('INDEX_CORRUPT');
    });

    it('stops writing a build when aborted and leaves nothing behind', async () => {
      const store = stores.of(build);
      const scratch = await repos.builds.create({ modelVersion: build.modelVersion, dir: (id) => store.location(id), params: PARAMS, dim: DIM, store: target.store });
      const abort = new AbortController();
      const writing = store.write(scratch, {
        vectors: data.rows,
        entries,
        signal: abort.signal,
        onProgress: (done) => {
          if (done > 0) abort.abort(new Error('stopped on purpose'));
        },
      });
      await expect(writing).rejects.toThrow(/stopped on purpose/);
      const complete = { ...scratch, status: 'complete' as const, checksum: '0'.repeat(64) };
      expect((await errorOf(store.open(complete))).code).toBe('INDEX_CORRUPT');
    });
  });
}

/**
 * One dataset of CLUSTERS artists (cluster = artist), paintings spread over splits and styles;
 * every UNLABELLED_EVERY-th painting has no artist. Each entry carries a distinct cohort radius.
 */
async function seedCatalog(repos: Repositories): Promise<IndexEntry[]> {
  const dataset = await repos.datasets.upsertDataset({ rootPath: '/data/contract', name: 'contract', layout: 'labels-csv', seed: 1, stats: {} });
  const artists = Array.from({ length: CLUSTERS }, (_, c) => ({ slug: `artist-${c}`, name: `Artist ${c}`, split: c % 4 === 3 ? ('test' as const) : ('train' as const), paintingCount: 0 }));
  const paintings: PaintingInput[] = [];
  for (let row = 0; row < CLUSTERS * PER_CLUSTER; row++) {
    const c = data.clusterOf[row];
    const unlabelled = row % UNLABELLED_EVERY === UNLABELLED_EVERY - 1;
    if (!unlabelled) artists[c].paintingCount++;
    paintings.push({
      artistSlug: unlabelled ? null : `artist-${c}`,
      relPath: `p/${row}.jpg`,
      sha256: row.toString(16).padStart(64, '0'),
      style: STYLES[row % STYLES.length],
      width: 10,
      height: 10,
      split: unlabelled ? 'unlabelled' : artists[c].split === 'test' ? 'test' : SPLITS[row % 2],
    });
  }
  await repos.datasets.replaceContents(dataset.id, { artists, paintings, skipped: [] });
  const stored = await repos.catalog.corpus({ datasetId: dataset.id });
  const byPath = new Map(stored.map((p) => [p.filePath.slice(p.filePath.indexOf('p/')), p]));
  return paintings.map((p, row) => {
    const s = byPath.get(p.relPath)!;
    return { id: s.id, artistId: s.artistId, split: s.split, style: s.style!.toLowerCase(), radius: 2 + row / 100 };
  });
}
