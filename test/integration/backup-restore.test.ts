/**
 * Backup while serving, then restore onto an empty data directory (and an empty database): the
 * restored server gives the same nearest artists for the same upload, with the original data
 * directory gone. On the embedded database (PGlite's dump, the CLI asking the running server) and
 * on PostgreSQL when TEST_DATABASE_URL is set (pg_dump from an exported snapshot, and rows through
 * the driver). A restore refuses a target that is not empty and a backup whose checksums fail.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../src/backup/backup.js';
import { readBackupManifest } from '../../src/backup/manifest.js';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset, type FixtureResult } from '../../src/demo/generate-paintings.js';
import { isPainterError } from '../../src/errors.js';
import { EncoderProvider } from '../../src/services/encoder-provider.js';
import { evaluate } from '../../src/services/evaluation-service.js';
import { importDataset } from '../../src/services/import-service.js';
import { IndexService } from '../../src/services/index-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { trainModel } from '../../training/train-service.js';
import { dropSchema, freshSchemaName, TARGETS, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';

const KEY = 'backup-test-key-0123';
const BIN = fileURLToPath(new URL('../../bin/painter.js', import.meta.url));
const quiet = { log: { info: () => undefined, warn: () => undefined }, logger: pino({ level: 'silent' }) };

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (isPainterError(e) ? e.code : String(e)),
  );

function configFor(dataDir: string, databaseUrl?: string): Config {
  return loadConfig({}, { dataDir, modelsDir: join(dataDir, 'models'), embeddedDbDir: join(dataDir, 'pglite'), cacheDir: join(dataDir, 'cache'), backupDir: join(dataDir, 'backups'), databaseUrl, port: 0, adminKeys: [KEY], rateLimitPerMinute: 0 });
}

/** The CLI as users run it, on the given configuration. */
function painter(args: string[], cfg: Config) {
  const env = { ...process.env, PAINTER_DATA_DIR: cfg.dataDir, DATABASE_URL: cfg.databaseUrl ?? '', PAINTER_ADMIN_KEYS: KEY, PAINTER_LOG_FORMAT: 'json' };
  return promisify(execFile)(process.execPath, [BIN, ...args], { env, timeout: 600_000 });
}

async function nearest(server: RunningServer, upload: Buffer, paintingId: number) {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(upload)], { type: 'image/png' }), 'query.png');
  const byUpload = await (await fetch(`${server.url}/api/artists/nearest?k=3`, { method: 'POST', body: form })).json();
  const byId = await (await fetch(`${server.url}/api/paintings/${paintingId}/nearest-artists?k=3`)).json();
  const shape = (r: any) => r.artists.map((a: any) => ({ artistId: a.artistId, distance: a.distance, paintings: a.paintings.map((p: any) => [p.id, p.distance]) }));
  return { byUpload: shape(byUpload), byId: shape(byId) };
}

/** A database to restore into: a new schema in the test database, or a new database with the same schema (pg_dump restores into its own). */
async function emptyPostgres(kind: 'schema' | 'database', schema: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'schema') {
    const fresh = freshSchemaName();
    return { url: urlWithSchema(TEST_DATABASE_URL!, fresh), drop: () => dropSchema(fresh) };
  }
  const name = `restore_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL!);
  u.pathname = `/${name}`;
  return {
    url: urlWithSchema(u.toString(), schema),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`backup and restore on ${target.name}`, () => {
    let dir: string;
    let cfg: Config;
    let schema: string | undefined;
    let fixture: FixtureResult;
    let upload: Buffer;
    let addedId: number;
    let before: Awaited<ReturnType<typeof nearest>>;
    const backups: Record<string, string> = {};
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'painter-backup-'));
      if (target.name === 'postgres') schema = freshSchemaName();
      cfg = configFor(join(dir, 'data'), schema ? urlWithSchema(TEST_DATABASE_URL!, schema) : undefined);
      await initBackend('wasm');
      fixture = await generatePaintingDataset(join(dir, 'corpus'), { artists: 6, perArtist: 5, size: 48, layout: 'labels-csv', seed: 9, styles: 2 });
      const db = await openDatabase(cfg);
      const repos = createRepositories(db);
      try {
        await importDataset(repos.datasets, fixture.root);
        const trained = await trainModel(cfg, repos, { overrides: { preset: 'small', imageSize: 32, epochs: 1, stepsPerEpoch: 3, batchSize: 20, seed: 2 }, backend: 'wasm' });
        await evaluate(cfg, repos, { model: trained.version, split: 'test' });
        const encoders = new EncoderProvider(cfg);
        await new IndexService(cfg, repos, new LiveIndex(), encoders).build({});
        await encoders.close();
      } finally {
        await db.close();
      }
      upload = await sharp(readFileSync(join(fixture.root, fixture.paintings[4].relPath))).flip().png().toBuffer();

      const server = await startServer(cfg, { demo: false, host: '127.0.0.1', ...quiet });
      try {
        // A painting added through the API: its file lives in the data directory and must come along.
        const form = new FormData();
        form.append('image', new Blob([new Uint8Array(await sharp(readFileSync(join(fixture.root, fixture.paintings[7].relPath))).flop().png().toBuffer())], { type: 'image/png' }), 'added.png');
        form.append('artist', 'Added Artist');
        const added = await fetch(`${server.url}/api/paintings`, { method: 'POST', headers: { 'x-api-key': KEY }, body: form });
        expect(added.status).toBe(201);
        addedId = ((await added.json()) as { id: number }).id;
        before = await nearest(server, upload, addedId);

        // Backups while queries keep coming.
        let serving = true;
        const load = (async () => {
          let n = 0;
          while (serving) {
            // A failure here shows as a short count below, not as an unhandled rejection.
            if (!(await nearest(server, upload, addedId).then(() => true, () => false))) break;
            await new Promise((r) => setTimeout(r, 100));
            n++;
          }
          return n;
        })();
        try {
          backups.cli = join(dir, 'backup-cli');
          const cli = await painter(['backup', backups.cli], cfg);
          expect(cli.stderr).toContain('backup written to');
          if (target.name === 'postgres') {
            backups.rows = join(dir, 'backup-rows');
            await painter(['backup', '--sql-rows', backups.rows], cfg);
          } else {
            expect(cli.stderr).toContain('holds the embedded database');
          }
        } finally {
          serving = false;
          await load;
        }
        expect(await load).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    }, 600_000);

    afterAll(async () => {
      for (const c of cleanups) await c().catch(() => undefined);
      if (schema) await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes a manifest with a checksum for every file, the models, the serving index and the added painting', async () => {
      const m = await readBackupManifest(backups.cli);
      expect(m.database).toMatchObject({ kind: target.name === 'pglite' ? 'embedded' : 'postgres', method: target.name === 'pglite' ? 'pglite-dump' : 'pg_dump' });
      expect(m.contents.modelVersions).toEqual([1]);
      expect(m.contents.indexBuild).not.toBeNull();
      expect(m.contents.addedPaintings).toBe(1);
      const paths = m.files.map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['models/v1/weights.bin', `indexes/${m.contents.indexBuild}/index.hnsw`]));
      expect(paths.some((p) => p.startsWith('files/paintings/added/'))).toBe(true);
      expect(m.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
      if (backups.rows) expect((await readBackupManifest(backups.rows)).database.method).toBe('sql-rows');
    });

    it('refuses a target that is not empty, and a backup that fails its checksums', async () => {
      expect(await codeOf(restoreBackup(cfg, backups.cli))).toBe('BACKUP_TARGET_NOT_EMPTY');
      const damaged = join(dir, 'damaged');
      await promisify(execFile)('cp', ['-r', backups.cli, damaged]);
      appendFileSync(join(damaged, 'models/v1/weights.bin'), Buffer.from([0]));
      const empty = configFor(join(dir, 'never'), target.name === 'postgres' ? (await emptyPostgres('schema', '')).url : undefined);
      expect(await codeOf(restoreBackup(empty, damaged))).toBe('BACKUP_INVALID');
      expect(await codeOf(createBackup(cfg, await openDatabase(cfg).then((db) => (cleanups.push(() => db.close()), db)), backups.cli))).toBe('BACKUP_TARGET_NOT_EMPTY');
    });

    const restores = target.name === 'pglite' ? ['cli'] : ['cli', 'rows'];
    it.each(restores)('restores the %s backup onto an empty data directory: the same nearest artists, with the original gone', async (which) => {
      let databaseUrl: string | undefined;
      if (target.name === 'postgres') {
        const db = await emptyPostgres(which === 'cli' ? 'database' : 'schema', schema!);
        cleanups.push(db.drop);
        databaseUrl = db.url;
      }
      const restored = configFor(join(dir, `restored-${which}`), databaseUrl);
      if (which === 'cli') await painter(['restore', backups[which]], restored);
      else await restoreBackup(restored, backups[which]);
      // Nothing may still point at the source's folders.
      rmSync(join(dir, 'data', 'models'), { recursive: true, force: true });
      rmSync(join(dir, 'data', 'indexes'), { recursive: true, force: true });
      rmSync(join(dir, 'data', 'paintings'), { recursive: true, force: true });
      const server = await startServer(restored, { demo: false, host: '127.0.0.1', ...quiet });
      try {
        expect(await nearest(server, upload, addedId)).toEqual(before);
        const models = (await (await fetch(`${server.url}/api/models`)).json()) as { version: number }[];
        expect(models.map((m) => m.version)).toEqual([1]);
      } finally {
        await server.close();
      }
    });
  });
}
