/**
 * The few SQL operations the migrator needs, implemented directly over `pg` and PGlite so schema
 * changes never depend on the Prisma client being able to start.
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlExecutor {
  /** One parameterised statement. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A script of several statements without parameters. */
  exec(script: string): Promise<void>;
  /** Serialises migrators across processes sharing the database; no-op where only one can connect. */
  lock(): Promise<void>;
  unlock(): Promise<void>;
}

/** Same key as `prisma migrate`, so our migrator and Prisma's never run concurrently either. */
const MIGRATION_LOCK_KEY = 72707369;

/** `client` must stay the same session throughout: the lock and BEGIN/COMMIT are per connection. */
export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const r = await client.query(sql, params);
      return r.rows as T[];
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
    async lock() {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    },
    async unlock() {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    },
  };
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const r = await db.query<T>(sql, params);
      return r.rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
    // PGlite is single-connection and single-process: nothing to serialise against.
    async lock() {},
    async unlock() {},
  };
}
