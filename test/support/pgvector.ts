/**
 * Whether the pgvector tests can run: they need the test PostgreSQL (TEST_DATABASE_URL) with the
 * `vector` extension available. Without it they are skipped with a message, unless CI is set and
 * the install script is beside the repository (`../shared/scripts/install-pgvector.sh`, which
 * `.ci/run` and `npm test` call): then CI was expected to install it, and the tests run and fail.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const PGVECTOR_INSTALLER = fileURLToPath(new URL('../../../shared/scripts/install-pgvector.sh', import.meta.url));

async function extensionAvailable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const r = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    return r.rowCount ? null : 'the vector extension is not installed in the test PostgreSQL (bash ../shared/scripts/install-pgvector.sh)';
  } catch (e) {
    return `the test PostgreSQL cannot be reached (${(e as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when the pgvector suites should run; prints why when they are skipped. */
export async function pgvectorTestsEnabled(suite: string): Promise<boolean> {
  const url = process.env.TEST_DATABASE_URL;
  const missing = url ? await extensionAvailable(url) : 'no test PostgreSQL (TEST_DATABASE_URL; npm test starts one)';
  if (missing === null) return true;
  if (process.env.CI && existsSync(PGVECTOR_INSTALLER)) return true;
  console.warn(`${suite} skipped: ${missing}.`);
  return false;
}
