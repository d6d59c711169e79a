/**
 * Test databases: every database test runs against an in-memory PGlite, and against PostgreSQL
 * when TEST_DATABASE_URL is set. Each PostgreSQL suite gets its own schema, dropped afterwards,
 * so test files running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { IN_MEMORY, openDatabase, type Database } from '../../src/db/client.js';
import { pgExecutor, pgliteExecutor, type SqlExecutor } from '../../src/db/sql-executor.js';
import { PainterError } from '../../src/errors.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export type TargetName = 'pglite' | 'postgres';
export const TARGETS: { name: TargetName; enabled: boolean }[] = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: TEST_DATABASE_URL !== undefined },
];

export function freshSchemaName(): string {
  return `test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** Drops the schema and the one holding its pgvector tables. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_vectors" CASCADE`);
  } finally {
    await client.end();
  }
}

const TABLES = [
  'datasets', 'artists', 'paintings', 'skipped_files', 'model_versions', 'training_epochs', 'evaluations', 'index_builds', 'jobs', 'index_alias', 'index_changes',
];

/** An open, migrated database for the enclosing describe block, emptied before each test. */
export function useDatabase(target: TargetName): () => Database {
  let db: Database | undefined;
  let schema: string | undefined;
  beforeAll(async () => {
    if (target === 'pglite') {
      db = await openDatabase({ embeddedDbDir: IN_MEMORY });
    } else {
      schema = freshSchemaName();
      db = await openDatabase({ databaseUrl: urlWithSchema(TEST_DATABASE_URL!, schema), embeddedDbDir: '' });
    }
  });
  beforeEach(async () => {
    await db!.prisma.$executeRawUnsafe(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  });
  afterAll(async () => {
    await db?.close();
    if (schema) await dropSchema(schema);
  });
  return () => db!;
}

/** The PainterError a promise rejects with. */
export async function errorOf(p: Promise<unknown>): Promise<PainterError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PainterError);
    return e as PainterError;
  }
  throw new Error('expected a rejection');
}

export interface RawSession {
  sql: SqlExecutor;
  /** The schema the session works in (PostgreSQL: a fresh one; PGlite: public). */
  schema: string;
  /** Drops everything the migrator created. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A bare SQL session for the migrator, without Prisma. */
export async function openRawSession(target: TargetName): Promise<RawSession> {
  if (target === 'pglite') {
    const db = await PGlite.create(IN_MEMORY);
    return {
      sql: pgliteExecutor(db),
      schema: 'public',
      reset: () => db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;').then(() => undefined),
      close: () => db.close(),
    };
  }
  const schema = freshSchemaName();
  const client = await connectToSchema(schema);
  return {
    sql: pgExecutor(client),
    schema,
    reset: () => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined),
    close: async () => {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export async function connectToSchema(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}
