/** What every command needs: the configuration and an open database, closed when it is done. */
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/client.js';

export async function withDatabase<T>(fn: (cfg: Config, db: Database) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const db = await openDatabase(cfg);
  try {
    return await fn(cfg, db);
  } finally {
    await db.close();
  }
}
