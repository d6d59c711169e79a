/**
 * A backup of a deployment whose index lives in pgvector: the vector tables are not files, so the
 * pg_dump takes their schema along from the same snapshot, and the build chosen is the one the
 * index alias names (a pinned older build, not the newest). After the source schemas are dropped,
 * the restore answers the same neighbours from the restored table. Without pg_dump the backup is
 * refused with a reason instead of leaving the vectors out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../src/backup/backup.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import type { PaintingInput } from '../../src/db/types.js';
import { isPainterError } from '../../src/errors.js';
import type { IndexEntry } from '../../src/vector-store/types.js';
import { VectorStores } from '../../src/vector-store/vector-stores.js';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';
import { pgvectorTestsEnabled } from '../support/pgvector.js';

const DIM = 8;
const PARAMS = { M: 8, efConstruction: 40, ef: 40 };

function configFor(dataDir: string, schema: string): Config {
  return loadConfig({}, { dataDir, modelsDir: join(dataDir, 'models'), embeddedDbDir: join(dataDir, 'pglite'), cacheDir: join(dataDir, 'cache'), databaseUrl: urlWithSchema(TEST_DATABASE_URL!, schema), vectorStore: 'pgvector' });
}

/** 24 paintings of 4 artists; painting i's vector is its artist's corner plus a small offset. */
async function seed(repos: Repositories): Promise<{ entries: IndexEntry[]; vectors: Float32Array }> {
  const dataset = await repos.datasets.upsertDataset({ rootPath: '/data/backup-pgvector', name: 'backup-pgvector', layout: 'labels-csv', seed: 1, stats: {} });
  const artists = Array.from({ length: 4 }, (_, a) => ({ slug: `artist-${a}`, name: `Artist ${a}`, split: 'train' as const, paintingCount: 6 }));
  const paintings: PaintingInput[] = Array.from({ length: 24 }, (_, i) => ({ artistSlug: `artist-${i % 4}`, relPath: `p/${i}.jpg`, sha256: i.toString(16).padStart(64, '0'), style: 'Baroque', width: 10, height: 10, split: 'train' }));
  await repos.datasets.replaceContents(dataset.id, { artists, paintings, skipped: [] });
  const byPath = new Map((await repos.datasets.listPaintings(dataset.id)).map((p) => [p.relPath, p]));
  const entries = paintings.map((p) => {
    const s = byPath.get(p.relPath)!;
    return { id: s.id, artistId: s.artistId, split: s.split, style: 'baroque' };
  });
  const vectors = new Float32Array(entries.length * DIM);
  entries.forEach((_, i) => {
    vectors[i * DIM + (i % 4)] = 5;
    vectors[i * DIM + 4 + (i % 3)] = 0.1 * (1 + Math.floor(i / 4));
  });
  return { entries, vectors };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isPainterError(e) ? e.code : String(e)));

describe.runIf(await pgvectorTestsEnabled('pgvector backup tests'))('backup and restore of a pgvector index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'painter-backup-pgvector-'));
  const schema = freshSchemaName();
  afterAll(async () => {
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the alias build from pg_dump with its vector table, restores it, and refuses a rows-only backup', async () => {
    const cfg = configFor(join(dir, 'data'), schema);
    let db = await openDatabase(cfg);
    let repos = createRepositories(db);
    let pinned: number;
    let before: unknown;
    const query = Float32Array.from({ length: DIM }, (_, d) => (d === 2 ? 5 : 0));
    try {
      const stores = new VectorStores(cfg, db, repos);
      await stores.ensureReady();
      const { entries, vectors } = await seed(repos);
      const model = await repos.models.create({ preset: 'small', config: {}, dir: (v) => join(cfg.modelsDir, `v${v}`), embeddingDim: DIM });
      mkdirSync(join(cfg.modelsDir, `v${model.version}`), { recursive: true });
      writeFileSync(join(cfg.modelsDir, `v${model.version}`, 'model.json'), '{}');
      await repos.models.markComplete(model.version);
      const builds = [];
      for (let b = 0; b < 2; b++) {
        const build = await repos.builds.create({ modelVersion: model.version, datasetId: null, dir: (id) => stores.current.location(id), params: PARAMS, dim: DIM, store: 'pgvector' });
        // The second build has lost a painting: the two are told apart by what they answer.
        const n = b === 0 ? entries.length : entries.length - 1;
        const written = await stores.current.write(build, { vectors: vectors.slice(0, n * DIM), entries: entries.slice(0, n) });
        builds.push(await repos.builds.markComplete(build.id, { elementCount: written.elementCount, buildSeconds: written.seconds, checksum: written.checksum }));
      }
      pinned = builds[0].id;
      await repos.alias.move(pinned, { pin: true });
      const served = await stores.current.open(builds[0]);
      before = await served.search(query, 5);
      served.close();

      expect(await codeOf(createBackup(cfg, db, join(dir, 'rows'), { sqlRows: true }))).toBe('BACKUP_FAILED');
      const { manifest } = await createBackup(cfg, db, join(dir, 'backup'));
      expect(manifest.database.method).toBe('pg_dump');
      expect(manifest.contents.indexBuild).toBe(pinned);
      expect(manifest.files.some((f) => f.path.startsWith('indexes/'))).toBe(false);
    } finally {
      await db.close();
    }

    // The source is gone (both schemas); the backup is all there is.
    await dropSchema(schema);
    const restored = configFor(join(dir, 'restored'), schema);
    await restoreBackup(restored, join(dir, 'backup'));
    db = await openDatabase(restored);
    try {
      repos = createRepositories(db);
      const stores = new VectorStores(restored, db, repos);
      expect((await repos.alias.get()).buildId).toBe(pinned);
      const build = (await repos.builds.get(pinned))!;
      const served = await stores.of(build).open(build);
      expect(served.size).toBe(24);
      expect(await served.search(query, 5)).toEqual(before);
      served.close();
    } finally {
      await db.close();
    }
  });
});
