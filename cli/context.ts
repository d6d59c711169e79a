/**
 * What every command needs: the configuration and the repositories over an open database, built
 * once here and closed when the command is done.
 */
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { createNotifier } from '../src/db/notifier.js';
import { createRepositories, type Repositories } from '../src/db/repositories/repositories.js';
import { EncoderProvider } from '../src/services/encoder-provider.js';
import { IndexService } from '../src/services/index-service.js';
import { LiveIndex } from '../src/services/live-index.js';
import { VectorStores } from '../src/vector-store/vector-stores.js';

export async function withDatabase<T>(fn: (cfg: Config, repos: Repositories, db: Database) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const db = await openDatabase(cfg);
  try {
    return await fn(cfg, createRepositories(db), db);
  } finally {
    await db.close();
  }
}

const cliLog = {
  info: (m: string) => process.stderr.write(m + '\n'),
  warn: (m: string) => process.stderr.write(`warning: ${m}\n`),
};

/**
 * The index service as a command uses it: the configured vector store, and notifications so
 * running servers hear at once of a build the command activates.
 */
export async function withIndexService<T>(fn: (service: IndexService, cfg: Config) => Promise<T>): Promise<T> {
  return withDatabase(async (cfg, repos, db) => {
    const stores = new VectorStores(cfg, db, repos);
    await stores.ensureReady();
    const notifier = await createNotifier(db);
    const encoders = new EncoderProvider(cfg);
    try {
      return await fn(new IndexService(cfg, repos, new LiveIndex(), encoders, stores, notifier, cliLog), cfg);
    } finally {
      await encoders.close();
      await notifier.close();
    }
  });
}
