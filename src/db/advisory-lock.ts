/**
 * Runs `fn` while holding a PostgreSQL advisory lock on its own connection, so only one process
 * (replica) at a time does it; others wait their turn. The embedded database serves one process,
 * so there it simply runs.
 */
import type { Database } from './client.js';

/** Keys of the product's advisory locks (the migrator has its own). */
export const LOCKS = { demoCorpus: 72707370 } as const;

export async function withAdvisoryLock<T>(db: Pick<Database, 'pg'>, key: number, fn: () => Promise<T>): Promise<T> {
  if (!db.pg) return fn();
  const client = await db.pg.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
