/**
 * The metadata half of a backup: a consistent copy of the database and, read from that same
 * state, the rows that say which files belong with it.
 *
 * - Embedded (PGlite): PGlite's own `dumpDataDir()` tarball of the live database; the rows are then
 *   read from that very tarball, loaded into a throwaway in-memory PGlite.
 * - PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump --snapshot` dumps
 *   exactly that state, and the rows are read in the same transaction. Without the client
 *   binaries, each table's rows are written as JSON lines from the same transaction instead.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { RawDatabase } from '../db/client.js';
import { PainterError } from '../errors.js';

const run = promisify(execFile);

/** What the files of a backup are chosen from. */
export interface SnapshotRows {
  migrations: string[];
  models: { version: number; dir: string; checksum: string | null }[];
  builds: { id: number; dir: string; checksum: string | null }[];
  addedPaintings: { id: number; storedPath: string; sha256: string }[];
}

export interface MetadataDump {
  method: 'pglite-dump' | 'pg_dump' | 'sql-rows';
  /** Files written, relative to the backup folder. */
  files: string[];
  rows: SnapshotRows;
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

async function readRows(query: Query): Promise<SnapshotRows> {
  const migrations = await query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
  const models = await query("SELECT version, dir, checksum FROM model_versions WHERE status = 'complete' ORDER BY version");
  const builds = await query("SELECT id, dir, checksum FROM index_builds WHERE status = 'complete' ORDER BY id DESC");
  const added = await query('SELECT id, stored_path, sha256 FROM paintings WHERE stored_path IS NOT NULL ORDER BY id');
  return {
    migrations: migrations.map((r) => String(r.migration_name)),
    models: models.map((r) => ({ version: Number(r.version), dir: String(r.dir), checksum: (r.checksum as string | null) ?? null })),
    builds: builds.map((r) => ({ id: Number(r.id), dir: String(r.dir), checksum: (r.checksum as string | null) ?? null })),
    addedPaintings: added.map((r) => ({ id: Number(r.id), storedPath: String(r.stored_path), sha256: String(r.sha256) })),
  };
}

export const PGLITE_DUMP = 'metadata/pglite.tar.gz';
export const PG_DUMP = 'metadata/postgres.dump';
export const ROWS_DIR = 'metadata/rows';

export async function dumpMetadata(raw: RawDatabase, into: string, options: { sqlRows?: boolean } = {}): Promise<MetadataDump> {
  return raw.kind === 'embedded' ? dumpEmbedded(raw.pglite, into) : dumpPostgres(raw, into, options.sqlRows ?? !(await hasPgDump()));
}

async function dumpEmbedded(pglite: PGlite, into: string): Promise<MetadataDump> {
  const tarball = await pglite.dumpDataDir('gzip');
  await writeFile(join(into, PGLITE_DUMP), new Uint8Array(await tarball.arrayBuffer()));
  // The rows come from the dump itself, so the files chosen match it exactly.
  const copy = await PGlite.create({ loadDataDir: tarball });
  try {
    return { method: 'pglite-dump', files: [PGLITE_DUMP], rows: await readRows(async (sql) => (await copy.query<Record<string, unknown>>(sql)).rows) };
  } finally {
    await copy.close();
  }
}

async function hasPgDump(): Promise<boolean> {
  return run('pg_dump', ['--version']).then(
    () => true,
    () => false,
  );
}

async function dumpPostgres(raw: Extract<RawDatabase, { kind: 'postgres' }>, into: string, sqlRows: boolean): Promise<MetadataDump> {
  const client = await raw.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const query: Query = async (sql) => (await client.query(sql)).rows as Record<string, unknown>[];
    const rows = await readRows(query);
    let files: string[];
    if (sqlRows) {
      files = await dumpTableRows(client, into);
    } else {
      const snapshot = String((await client.query('SELECT pg_export_snapshot() AS id')).rows[0].id);
      const args = ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${join(into, PG_DUMP)}`, ...(raw.schema ? [`--schema=${raw.schema}`] : []), raw.connectionString];
      await run('pg_dump', args, { maxBuffer: 16 * 1024 * 1024 }).catch((e: { stderr?: string; message: string }) => {
        throw new PainterError('BACKUP_FAILED', `pg_dump failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
      });
      files = [PG_DUMP];
    }
    await client.query('COMMIT');
    return { method: sqlRows ? 'sql-rows' : 'pg_dump', files, rows };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** The tables of the current schema, each after the tables its foreign keys point to. */
async function tablesInDependencyOrder(client: pg.PoolClient | pg.Client): Promise<string[]> {
  const tables = (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name")).rows.map((r) => String(r.table_name));
  const edges = (
    await client.query(
      `SELECT DISTINCT tc.table_name AS child, ccu.table_name AS parent
         FROM information_schema.table_constraints tc
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`,
    )
  ).rows.map((r) => ({ child: String(r.child), parent: String(r.parent) }));
  const ordered: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (ordered.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const e of edges) if (e.child === t && e.parent !== t) visit(e.parent, seen);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered.filter((t) => tables.includes(t));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function dumpTableRows(client: pg.PoolClient, into: string): Promise<string[]> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(into, ROWS_DIR), { recursive: true });
  const files: string[] = [];
  const order = await tablesInDependencyOrder(client);
  await writeFile(join(into, ROWS_DIR, 'order.json'), JSON.stringify(order));
  files.push(`${ROWS_DIR}/order.json`);
  for (const table of order) {
    const file = `${ROWS_DIR}/${table}.jsonl`;
    const out = createWriteStream(join(into, file));
    // row_to_json keeps every column's value as PostgreSQL renders it; json_populate_recordset reads it back.
    for (const r of (await client.query(`SELECT row_to_json(t)::text AS row FROM ${quote(table)} t`)).rows) out.write(`${r.row}\n`);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    files.push(file);
  }
  return files;
}

/** Loads JSON-line rows into the (migrated, empty) tables of the current schema, then moves each sequence past its rows. */
export async function loadTableRows(client: pg.PoolClient | pg.Client, from: string): Promise<void> {
  const order = JSON.parse(await readFile(join(from, ROWS_DIR, 'order.json'), 'utf8')) as string[];
  await client.query('BEGIN');
  try {
    for (const table of [...order].reverse()) await client.query(`DELETE FROM ${quote(table)}`);
    for (const table of order) {
      const lines = (await readFile(join(from, ROWS_DIR, `${table}.jsonl`), 'utf8')).split('\n').filter(Boolean);
      for (let i = 0; i < lines.length; i += 500) {
        await client.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, [`[${lines.slice(i, i + 500).join(',')}]`]);
      }
      const serial = await client.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_default LIKE 'nextval(%'`,
        [table],
      );
      for (const c of serial.rows) {
        const col = quote(String(c.column_name));
        await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${col}) FROM ${quote(table)}), 1), (SELECT MAX(${col}) FROM ${quote(table)}) IS NOT NULL)`, [table, c.column_name]);
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export async function pgRestore(connectionString: string, file: string): Promise<void> {
  await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${connectionString}`, file], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (e: { stderr?: string; message: string; code?: string }) => {
      if (e.code === 'ENOENT') throw new PainterError('BACKUP_FAILED', 'This backup was made with pg_dump; restoring it needs pg_restore (the PostgreSQL client programs) on the PATH');
      throw new PainterError('BACKUP_FAILED', `pg_restore failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
    },
  );
}
