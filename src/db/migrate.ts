/**
 * Applies the SQL migrations under `migrations/` and records them in `_prisma_migrations` exactly
 * as `prisma migrate deploy` does, so either tool can take over a database the other has migrated.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PainterError } from '../errors.js';
import type { SqlExecutor } from './sql-executor.js';

export const DEFAULT_MIGRATIONS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
  /** Applied in the database but absent here: a newer build migrated it. Reported, not fatal, as with Prisma. */
  unknown: string[];
}

export interface MigrateOptions {
  dir?: string;
  /** Created first when missing; the connection's search_path must already point at it. */
  schema?: string;
}

/** sha256 hex of the file's text, as Prisma computes it. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Prisma accepts a checkout with converted line endings as unchanged; so do we. */
export function checksumMatches(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  return [sql, lf, lf.replace(/\n/g, '\r\n')].some((variant) => checksumOf(variant) === checksum);
}

/** Migration folders in name (= timestamp) order; folders without a migration.sql are ignored, as Prisma does. */
export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) {
    throw new PainterError('MIGRATION_FAILED', `Migrations directory not found: ${dir}`, { dir });
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

// Prisma's own definition of the table.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished: boolean;
}

export async function migrate(sql: SqlExecutor, options: MigrateOptions = {}): Promise<MigrationResult> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const migrations = readMigrations(dir);
  await sql.lock();
  try {
    // Under the lock: concurrent CREATE ... IF NOT EXISTS can still collide in the catalog.
    if (options.schema) await sql.exec(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '""')}"`);
    await sql.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await sql.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
    );
    const applied = new Map<string, AppliedRow>();
    for (const row of rows) {
      if (!row.finished) {
        throw new PainterError(
          'MIGRATION_FAILED',
          `Migration ${row.migration_name} was started but never finished; resolve it (prisma migrate resolve) before continuing`,
          { migration: row.migration_name },
        );
      }
      applied.set(row.migration_name, row);
    }

    const known = new Set(migrations.map((m) => m.name));
    const result: MigrationResult = { applied: [], alreadyApplied: [], unknown: [...applied.keys()].filter((n) => !known.has(n)) };
    for (const m of migrations) {
      const row = applied.get(m.name);
      if (row) {
        if (!checksumMatches(m.sql, row.checksum)) {
          throw new PainterError(
            'MIGRATION_MODIFIED',
            `Migration ${m.name} was modified after it was applied (checksum ${row.checksum} in the database, ${m.checksum} on disk); restore the original file and add a new migration instead`,
            { migration: m.name, applied: row.checksum, onDisk: m.checksum },
          );
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      await applyOne(sql, m);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await sql.unlock();
  }
}

/** One transaction per migration: a failing script leaves neither its changes nor a record behind. */
async function applyOne(sql: SqlExecutor, m: Migration): Promise<void> {
  await sql.exec('BEGIN');
  try {
    await sql.exec(m.sql);
    await sql.query(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), m.checksum, m.name],
    );
    await sql.exec('COMMIT');
  } catch (e) {
    await sql.exec('ROLLBACK').catch(() => undefined);
    const cause = e instanceof Error ? e.message : String(e);
    throw new PainterError('MIGRATION_FAILED', `Migration ${m.name} failed and was rolled back: ${cause}`, { migration: m.name }, { cause: e });
  }
}
