/**
 * `painter backup DIR` and `painter restore DIR`: the metadata (metadata.ts), the model folders
 * of complete model versions, the serving index's files and the files of paintings added
 * through the API, with a manifest of checksums.
 *
 * Consistency while the server serves: the rows come from one snapshot of the database, and the
 * files copied are those these rows name. Model folders and painting files never change once
 * complete; an index file is rewritten when paintings are added or removed live, so each copied
 * index file is checked against the checksum in the snapshot, and a mismatch (a live edit in
 * between) starts the backup again from a fresh snapshot. The backup is written into a sibling
 * folder and renamed into place when complete, so a killed backup never looks like one.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../config.js';
import { openDatabase, parsePostgresUrl, type Database } from '../db/client.js';
import { PainterError } from '../errors.js';
import { INDEX_FILE, MANIFEST_FILE } from '../index/manifest.js';
import { BACKUP_FORMAT, MANIFEST, readBackupManifest, sha256OfFile, verifyBackup, type BackupManifest } from './manifest.js';
import { dumpMetadata, loadTableRows, pgRestore, PG_DUMP, PGLITE_DUMP, type SnapshotRows } from './metadata.js';

export interface BackupOptions {
  /** The build the server is answering with (default: the newest complete one). */
  activeBuildId?: number;
  /** PostgreSQL: rows through the driver even where pg_dump exists. */
  sqlRows?: boolean;
  log?: (message: string) => void;
}

export interface BackupSummary {
  dir: string;
  manifest: BackupManifest;
}

const ATTEMPTS = 3;

class ChangedMeanwhile extends Error {}

export async function createBackup(cfg: Pick<Config, 'dataDir' | 'modelsDir'>, db: Database, dir: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const target = resolve(dir);
  if ((await readdir(target).catch(() => [])).length > 0) {
    throw new PainterError('BACKUP_TARGET_NOT_EMPTY', `${target} already holds files: back up into a new or empty folder`, { dir: target });
  }
  for (let attempt = 1; ; attempt++) {
    const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
    try {
      const manifest = await writeBackup(cfg, db, partial, options);
      await rm(target, { recursive: true, force: true });
      await rename(partial, target);
      return { dir: target, manifest };
    } catch (e) {
      await rm(partial, { recursive: true, force: true });
      if (!(e instanceof ChangedMeanwhile) || attempt >= ATTEMPTS) {
        if (e instanceof ChangedMeanwhile) throw new PainterError('BACKUP_FAILED', `The index kept changing during ${ATTEMPTS} attempts (paintings being added or removed): try again`);
        throw e;
      }
      options.log?.(`backup: ${e.message}; starting again from a fresh snapshot`);
    }
  }
}

async function writeBackup(cfg: Pick<Config, 'dataDir' | 'modelsDir'>, db: Database, into: string, options: BackupOptions): Promise<BackupManifest> {
  await mkdir(join(into, 'metadata'), { recursive: true });
  const dump = await dumpMetadata(db.raw, into, { sqlRows: options.sqlRows });
  const { rows } = dump;
  const files: string[] = [...dump.files];

  for (const m of rows.models) {
    const name = `models/${relativeInside(cfg.modelsDir, m.dir, `model v${m.version}`)}`;
    files.push(...(await copyTree(m.dir, join(into, name), name)));
    if (m.checksum && (await sha256OfFile(join(into, name, 'weights.bin'))) !== m.checksum) {
      throw new PainterError('BACKUP_FAILED', `Model v${m.version}: ${m.dir}/weights.bin does not match its recorded checksum (damaged): fix or remove the model first`);
    }
  }

  const build = options.activeBuildId !== undefined ? rows.builds.find((b) => b.id === options.activeBuildId) : rows.builds[0];
  if (build) {
    const name = `indexes/${build.id}`;
    await mkdir(join(into, name), { recursive: true });
    for (const f of [INDEX_FILE, MANIFEST_FILE]) {
      await copyFile(join(build.dir, f), join(into, name, f));
      files.push(`${name}/${f}`);
    }
    const copied = await sha256OfFile(join(into, name, INDEX_FILE));
    const recorded = (JSON.parse(await readFile(join(into, name, MANIFEST_FILE), 'utf8')) as { checksum?: string }).checksum;
    if (copied !== build.checksum || recorded !== build.checksum) throw new ChangedMeanwhile(`index ${build.id} changed while it was copied`);
  }

  for (const p of rows.addedPaintings) {
    const name = `files/${relativeInside(cfg.dataDir, p.storedPath, `painting ${p.id}`)}`;
    await mkdir(dirname(join(into, name)), { recursive: true });
    await copyFile(p.storedPath, join(into, name));
    if ((await sha256OfFile(join(into, name))) !== p.sha256) throw new PainterError('BACKUP_FAILED', `Painting ${p.id}: ${p.storedPath} does not match its recorded checksum`);
    files.push(name);
  }

  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    database: { kind: db.kind, method: dump.method, schema: db.raw.kind === 'postgres' ? (db.raw.schema ?? null) : null, migrations: rows.migrations },
    roots: { dataDir: resolve(cfg.dataDir), modelsDir: resolve(cfg.modelsDir) },
    contents: { modelVersions: rows.models.map((m) => m.version), indexBuild: build?.id ?? null, addedPaintings: rows.addedPaintings.length },
    files: await Promise.all(files.map(async (path) => ({ path, bytes: (await stat(join(into, path))).size, sha256: await sha256OfFile(join(into, path)) }))),
  };
  await writeFile(join(into, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Copies a folder's files (not its training checkpoints), returning their backup paths. */
async function copyTree(from: string, to: string, name: string): Promise<string[]> {
  await mkdir(to, { recursive: true });
  const out: string[] = [];
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name.startsWith('checkpoint')) continue;
      out.push(...(await copyTree(join(from, entry.name), join(to, entry.name), `${name}/${entry.name}`)));
    } else if (entry.isFile()) {
      await copyFile(join(from, entry.name), join(to, entry.name));
      out.push(`${name}/${entry.name}`);
    }
  }
  return out;
}

function relativeInside(root: string, path: string, what: string): string {
  const rel = relative(resolve(root), resolve(path));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) throw new PainterError('BACKUP_FAILED', `The files of ${what} (${path}) are outside ${root}`);
  return rel.split(sep).join('/');
}

// ---- restore ------------------------------------------------------------------------------------

export interface RestoreOptions {
  /** Replace what the target data directory and database hold. */
  force?: boolean;
  log?: (message: string) => void;
}

export async function restoreBackup(cfg: Config, dir: string, options: RestoreOptions = {}): Promise<BackupManifest> {
  const from = resolve(dir);
  const manifest = await readBackupManifest(from);
  await verifyBackup(from, manifest);
  const targetKind = cfg.databaseUrl ? 'postgres' : 'embedded';
  if (manifest.database.kind !== targetKind) {
    throw new PainterError('BACKUP_INVALID', `This backup holds ${manifest.database.kind === 'embedded' ? 'an embedded database' : 'a PostgreSQL database'}: restore it with ${manifest.database.kind === 'embedded' ? 'DATABASE_URL unset' : 'DATABASE_URL set'}`);
  }
  await ensureEmptyTarget(cfg, options.force ?? false);

  // Files first: a database that names them is only put in place once they are there.
  for (const f of manifest.files) {
    const [top, ...rest] = f.path.split('/');
    const to = top === 'models' ? join(cfg.modelsDir, ...rest) : top === 'indexes' ? join(cfg.dataDir, 'indexes', ...rest) : top === 'files' ? join(cfg.dataDir, ...rest) : null;
    if (!to) continue;
    await mkdir(dirname(to), { recursive: true });
    await copyFile(join(from, f.path), to);
  }

  if (manifest.database.method === 'pglite-dump') {
    const blob = new Blob([new Uint8Array(await readFile(join(from, PGLITE_DUMP)))]);
    const restored = await PGlite.create(cfg.embeddedDbDir, { loadDataDir: blob });
    await restored.close();
  } else {
    const { connectionString, schema } = parsePostgresUrl(cfg.databaseUrl!);
    if (manifest.database.method === 'pg_dump') {
      if ((schema ?? null) !== (manifest.database.schema ?? null)) {
        throw new PainterError('BACKUP_INVALID', `This pg_dump backup holds schema ${manifest.database.schema ?? 'public'}: restore it into the same schema (DATABASE_URL …?schema=${manifest.database.schema ?? 'public'})`);
      }
      await pgRestore(connectionString, join(from, PG_DUMP));
    }
  }

  // Opening migrates to this version; then the rows' paths move to the target's folders.
  const db = await openDatabase(cfg);
  try {
    if (manifest.database.method === 'sql-rows') {
      if (db.raw.kind !== 'postgres') throw new PainterError('BACKUP_INVALID', 'Rows dumped from PostgreSQL restore into PostgreSQL');
      const client = await db.raw.pool.connect();
      try {
        await loadTableRows(client, from);
      } finally {
        client.release();
      }
    }
    await movePaths(db, manifest.roots, { dataDir: resolve(cfg.dataDir), modelsDir: resolve(cfg.modelsDir) });
  } finally {
    await db.close();
  }
  options.log?.(`restored ${manifest.contents.modelVersions.length} model version(s), index ${manifest.contents.indexBuild ?? 'none'}, ${manifest.contents.addedPaintings} added painting file(s) from ${from}`);
  return manifest;
}

async function movePaths(db: Database, from: BackupManifest['roots'], to: BackupManifest['roots']): Promise<void> {
  const moves: [string, string, string, string][] = [
    ['model_versions', 'dir', from.modelsDir, to.modelsDir],
    ['index_builds', 'dir', from.dataDir, to.dataDir],
    ['paintings', 'stored_path', from.dataDir, to.dataDir],
  ];
  for (const [table, column, old, now] of moves) {
    if (old === now) continue;
    await db.prisma.$executeRawUnsafe(
      `UPDATE "${table}" SET "${column}" = $2 || substr("${column}", length($1) + 1) WHERE "${column}" = $1 OR starts_with("${column}", $1 || '/')`,
      old,
      now,
    );
  }
}

/** The data directory (and models directory) hold nothing, and the database no catalog. */
async function ensureEmptyTarget(cfg: Config, force: boolean): Promise<void> {
  const dirs = [...new Set([resolve(cfg.dataDir), resolve(cfg.modelsDir)])];
  const occupied: string[] = [];
  for (const d of dirs) {
    // The models folder inside the data directory is judged on its own contents.
    const entries = (await readdir(d).catch(() => [] as string[])).filter((e) => join(d, e) !== resolve(cfg.modelsDir) || d === resolve(cfg.modelsDir));
    if (entries.length > 0) occupied.push(d);
  }
  const databaseRows = cfg.databaseUrl ? await postgresHasCatalog(cfg.databaseUrl) : false;
  if (!force && (occupied.length > 0 || databaseRows)) {
    const what = [...occupied.map((d) => `${d} is not empty`), ...(databaseRows ? ['the database already holds a catalog'] : [])].join('; ');
    throw new PainterError('BACKUP_TARGET_NOT_EMPTY', `Refusing to restore: ${what} (PAINTER_DATA_DIR${cfg.databaseUrl ? ', DATABASE_URL' : ''}); restore into an empty one, or pass --force to replace it`, { occupied });
  }
  if (force) {
    for (const d of dirs) for (const e of await readdir(d).catch(() => [] as string[])) if (join(d, e) !== resolve(cfg.modelsDir)) await rm(join(d, e), { recursive: true, force: true });
  }
  await mkdir(cfg.dataDir, { recursive: true });
}

async function postgresHasCatalog(url: string): Promise<boolean> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect().catch((e: Error) => {
    throw new PainterError('DATABASE_UNAVAILABLE', `Cannot connect to the restore target: ${e.message}`);
  });
  try {
    const exists = (await client.query("SELECT to_regclass('datasets') IS NOT NULL AS t")).rows[0].t as boolean;
    if (!exists) return false;
    const n = (await client.query('SELECT (SELECT count(*) FROM datasets) + (SELECT count(*) FROM model_versions) + (SELECT count(*) FROM index_builds) AS n')).rows[0].n;
    return Number(n) > 0;
  } finally {
    await client.end();
  }
}

export const backupName = (now = new Date()) => `backup-${now.toISOString().replace(/[:.]/g, '-')}`;
