/**
 * What every command needs: the configuration and the repositories over an open database, built
 * once here and closed when the command is done.
 */
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories, type Repositories } from '../src/db/repositories/repositories.js';

export async function withDatabase<T>(fn: (cfg: Config, repos: Repositories) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const db = await openDatabase(cfg);
  try {
    return await fn(cfg, createRepositories(db));
  } finally {
    await db.close();
  }
}
