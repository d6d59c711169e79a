import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.js';
import { pgExecutor } from '../../src/db/sql-executor.js';
import { PainterError } from '../../src/errors.js';
import { connectToSchema, openRawSession, TARGETS, TEST_DATABASE_URL, type RawSession } from './helpers.js';

const ALL = readMigrations().map((m) => m.name);
const INIT = ALL[0];

function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
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

describe('readMigrations', () => {
  it('lists the migration folders in timestamp order, with the checksum of the file', () => {
    const ms = readMigrations();
    expect(ms.length).toBeGreaterThan(0);
    expect(ms.map((m) => m.name)).toEqual([...ms.map((m) => m.name)].sort());
    for (const m of ms) {
      expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(m.checksum).toBe(sha256OfFile(join(DEFAULT_MIGRATIONS_DIR, m.name, 'migration.sql')));
    }
  });

  it('declares the provider in migration_lock.toml as Prisma expects', () => {
    expect(readFileSync(join(DEFAULT_MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
  });
});

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`migrate on ${target.name}`, () => {
    let session: RawSession;
    let dir: string;

    beforeAll(async () => {
      session = await openRawSession(target.name);
    });
    afterAll(async () => {
      await session?.close();
    });
    beforeEach(async () => {
      await session.reset();
      dir = mkdtempSync(join(tmpdir(), 'painter-migrations-'));
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const opts = () => ({ dir, schema: target.name === 'postgres' ? session.schema : undefined });
    const tables = async () =>
      (
        await session.sql.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
        )
      ).map((r) => r.table_name);

    it('applies pending migrations and records them as prisma migrate deploy does', async () => {
      const result = await migrate(session.sql, opts());
      expect(result).toEqual({ applied: ALL, alreadyApplied: [], unknown: [] });
      expect(await tables()).toEqual([
        '_prisma_migrations', 'artists', 'datasets', 'evaluations', 'index_alias', 'index_builds', 'index_changes', 'jobs', 'model_versions',
        'paintings', 'skipped_files', 'training_epochs',
      ]);
      const rows = await session.sql.query<Record<string, unknown>>(
        `SELECT id, checksum, migration_name, logs, applied_steps_count,
                finished_at IS NOT NULL AS finished, rolled_back_at IS NULL AS not_rolled_back,
                finished_at >= started_at AS ordered
         FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows).toEqual(
        ALL.map((name) => ({
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          checksum: sha256OfFile(join(dir, name, 'migration.sql')),
          migration_name: name,
          logs: null,
          applied_steps_count: 1,
          finished: true,
          not_rolled_back: true,
          ordered: true,
        })),
      );
      // Column types must be Prisma's, or `prisma migrate` would not recognise the table.
      const columns = await session.sql.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable])).toEqual([
        ['id', 'character varying', 'NO'],
        ['checksum', 'character varying', 'NO'],
        ['finished_at', 'timestamp with time zone', 'YES'],
        ['migration_name', 'character varying', 'NO'],
        ['logs', 'text', 'YES'],
        ['rolled_back_at', 'timestamp with time zone', 'YES'],
        ['started_at', 'timestamp with time zone', 'NO'],
        ['applied_steps_count', 'integer', 'NO'],
      ]);
    });

    it('is idempotent: a second run applies nothing and records nothing', async () => {
      await migrate(session.sql, opts());
      const again = await migrate(session.sql, opts());
      expect(again).toEqual({ applied: [], alreadyApplied: ALL, unknown: [] });
      const [{ n }] = await session.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(n).toBe(ALL.length);
    });

    it('applies only the migrations added since, in order', async () => {
      await migrate(session.sql, opts());
      mkdirSync(join(dir, '29990101000000_add_note'));
      writeFileSync(join(dir, '29990101000000_add_note', 'migration.sql'), 'ALTER TABLE "datasets" ADD COLUMN "note" TEXT;\n');
      mkdirSync(join(dir, '29990102000000_add_note_index'));
      writeFileSync(join(dir, '29990102000000_add_note_index', 'migration.sql'), 'CREATE INDEX "datasets_note_idx" ON "datasets"("note");\n');
      const result = await migrate(session.sql, opts());
      expect(result.applied).toEqual(['29990101000000_add_note', '29990102000000_add_note_index']);
      expect(result.alreadyApplied).toEqual(ALL);
      const names = await session.sql.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
      );
      expect(names.map((r) => r.migration_name)).toEqual([...ALL, '29990101000000_add_note', '29990102000000_add_note_index']);
    });

    it('refuses to run when an applied migration was edited', async () => {
      await migrate(session.sql, opts());
      const file = join(dir, INIT, 'migration.sql');
      writeFileSync(file, readFileSync(file, 'utf8') + '\n-- an afterthought\n');
      expect(await codeOf(migrate(session.sql, opts()))).toBe('MIGRATION_MODIFIED');
      await expect(migrate(session.sql, opts())).rejects.toThrow(new RegExp(`${INIT} was modified after it was applied`));
    });

    it('accepts an applied migration whose line endings were converted by a checkout', async () => {
      await migrate(session.sql, opts());
      const file = join(dir, INIT, 'migration.sql');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
      expect(await migrate(session.sql, opts())).toEqual({ applied: [], alreadyApplied: ALL, unknown: [] });
    });

    it('rolls a failing migration back completely and records nothing', async () => {
      await migrate(session.sql, opts());
      mkdirSync(join(dir, '29990101000000_broken'));
      writeFileSync(
        join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n',
      );
      expect(await codeOf(migrate(session.sql, opts()))).toBe('MIGRATION_FAILED');
      expect(await tables()).not.toContain('half_done');
      const names = await session.sql.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(names.map((r) => r.migration_name)).toEqual(ALL);
      // The session is usable again afterwards (the transaction was closed).
      expect(await session.sql.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    });

    it('reports migrations applied by a newer build without failing', async () => {
      await migrate(session.sql, opts());
      await session.sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_from_the_future', now(), 1)`,
      );
      expect(await migrate(session.sql, opts())).toEqual({ applied: [], alreadyApplied: ALL, unknown: ['29990101000000_from_the_future'] });
    });

    it('refuses to continue past a migration that Prisma recorded as failed', async () => {
      await migrate(session.sql, opts());
      await session.sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count, logs)
         VALUES ('00000000-0000-4000-8000-000000000001', 'x', '29990101000000_half_applied', 0, 'error')`,
      );
      expect(await codeOf(migrate(session.sql, opts()))).toBe('MIGRATION_FAILED');
    });
  });
}

describe.runIf(TEST_DATABASE_URL !== undefined)('migrate on postgres, concurrently', () => {
  it('lets only one of several processes starting at once apply the migrations', async () => {
    const session = await openRawSession('postgres');
    const clients = await Promise.all([1, 2, 3, 4].map(() => connectToSchema(session.schema)));
    try {
      const results = await Promise.all(clients.map((c) => migrate(pgExecutor(c), { schema: session.schema })));
      expect(results.filter((r) => r.applied.length === ALL.length)).toHaveLength(1);
      expect(results.filter((r) => r.alreadyApplied.length === ALL.length && r.applied.length === 0)).toHaveLength(3);
      const [{ n }] = await session.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(n).toBe(ALL.length);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await session.close();
    }
  });
});
