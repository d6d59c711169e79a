/**
 * Opens the metadata database: PostgreSQL when a URL is configured, otherwise an embedded PGlite
 * database on disk (or in memory for `memory://`). Pending migrations are applied before the
 * Prisma client is handed out, so callers always see the current schema.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Config } from '../config.js';
import { PainterError } from '../errors.js';
import { PrismaClient } from './generated/client.js';
import { migrate, type MigrationResult } from './migrate.js';
import { pgExecutor, pgliteExecutor } from './sql-executor.js';

export type { PrismaClient };

/** Direct access for what Prisma cannot do (backups: a snapshot transaction, PGlite's own dump). */
export type RawDatabase =
  | { kind: 'postgres'; pool: pg.Pool; connectionString: string; schema?: string }
  | { kind: 'embedded'; pglite: PGlite; dir: string };

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'embedded';
  raw: RawDatabase;
  /** What opening the database migrated. */
  migrations: MigrationResult;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  migrationsDir?: string;
}

export const IN_MEMORY = 'memory://';

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'embeddedDbDir'>,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, options)
    : openEmbedded(config.embeddedDbDir, options);
}

function causeOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return causeOf(e.errors[0]);
  if (e instanceof Error) return e.message || (e as NodeJS.ErrnoException).code || e.name;
  return String(e);
}

/**
 * `?schema=` is Prisma's URL convention for a non-public schema; `pg` does not know it, so it is
 * taken off the URL and applied as the session's search_path and the adapter's schema instead.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url };
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: url };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new PainterError('INVALID_ARGUMENT', `Unsupported schema name in the database URL: ${schema}`, { schema });
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const poolConfig: pg.PoolConfig = {
    connectionString,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  let pool: pg.Pool;
  let target: { host: string; port: number; database: string | undefined };
  try {
    pool = new pg.Pool(poolConfig);
    // A throwaway client resolves host/port/database the way pg will (URL, PG* variables, defaults).
    const probe = new pg.Client(poolConfig);
    target = { host: probe.host || 'localhost', port: probe.port, database: probe.database };
  } catch (e) {
    throw new PainterError('DATABASE_UNAVAILABLE', `Invalid database URL: ${causeOf(e)}`, {}, { cause: e });
  }
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => undefined);
    const where = `${target.host}:${target.port}${target.database ? `/${target.database}` : ''}`;
    throw new PainterError(
      'DATABASE_UNAVAILABLE',
      `Cannot connect to PostgreSQL at ${where}: ${causeOf(e)}`,
      { ...target },
      { cause: e },
    );
  }
  let migrations: MigrationResult;
  try {
    migrations = await migrate(pgExecutor(client), { dir: options.migrationsDir, schema });
    client.release();
  } catch (e) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw e;
  }

  // Same pg at runtime; the adapter merely bundles a newer @types/pg.
  const adapterPool = pool as unknown as ConstructorParameters<typeof PrismaPg>[0];
  const prisma = new PrismaClient({ adapter: new PrismaPg(adapterPool, schema ? { schema } : undefined) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind: 'postgres',
    raw: { kind: 'postgres', pool, connectionString, ...(schema ? { schema } : {}) },
    migrations,
    close: () =>
      (closed ??= (async () => {
        await prisma.$disconnect();
        // The pool is ours, not the adapter's, so the adapter leaves it open.
        await pool.end();
      })()),
  };
}

async function openEmbedded(dir: string, options: OpenDatabaseOptions): Promise<Database> {
  const inMemory = dir.startsWith(IN_MEMORY);
  let pglite: PGlite;
  try {
    if (!inMemory) mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  } catch (e) {
    throw new PainterError(
      'DATABASE_UNAVAILABLE',
      `Cannot open the embedded database at ${dir}: ${causeOf(e)}`,
      { path: dir },
      { cause: e },
    );
  }
  let migrations: MigrationResult;
  try {
    migrations = await migrate(pgliteExecutor(pglite), { dir: options.migrationsDir });
  } catch (e) {
    await pglite.close().catch(() => undefined);
    throw e;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind: 'embedded',
    raw: { kind: 'embedded', pglite, dir },
    migrations,
    close: () =>
      (closed ??= (async () => {
        await prisma.$disconnect();
        // $disconnect leaves PGlite running, which would keep the process alive.
        if (!pglite.closed) await pglite.close();
      })()),
  };
}
