/**
 * The stores a process can open. New builds go to the configured one; an existing build is
 * opened, served and dropped by the store that wrote it, so switching PAINTER_VECTOR_STORE keeps
 * older builds activatable (rollback across the switch) until retention removes them.
 */
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { IndexBuild, VectorStoreName } from '../db/types.js';
import { PainterError } from '../errors.js';
import { HnswlibStore } from './hnswlib-store.js';
import { PgvectorStore } from './pgvector-store.js';
import type { VectorStore } from './types.js';

export class VectorStores {
  private readonly hnswlib: HnswlibStore;
  private readonly pgvector: PgvectorStore | null;

  constructor(
    private readonly cfg: Pick<Config, 'vectorStore' | 'dataDir'>,
    db: Pick<Database, 'pg'>,
    repos: Pick<Repositories, 'catalog' | 'changes'>,
  ) {
    this.hnswlib = new HnswlibStore({ dataDir: cfg.dataDir, catalog: repos.catalog, changes: repos.changes });
    this.pgvector = db.pg ? new PgvectorStore(db.pg.pool) : null;
    if (cfg.vectorStore === 'pgvector' && !this.pgvector) {
      throw new PainterError('CONFIG_INVALID', 'PAINTER_VECTOR_STORE=pgvector needs DATABASE_URL: the embedded database has no vector extension', { variable: 'PAINTER_VECTOR_STORE' });
    }
  }

  /** Where new builds go. */
  get current(): VectorStore {
    return this.named(this.cfg.vectorStore);
  }

  of(build: Pick<IndexBuild, 'store'>): VectorStore {
    return this.named(build.store);
  }

  /** Checks the configured store can work (pgvector: the extension exists or can be created). */
  async ensureReady(): Promise<void> {
    if (this.cfg.vectorStore === 'pgvector') await this.pgvector!.ensureReady();
  }

  private named(kind: VectorStoreName): VectorStore {
    if (kind === 'hnswlib') return this.hnswlib;
    if (!this.pgvector) throw new PainterError('CONFIG_INVALID', 'This build lives in pgvector, which needs DATABASE_URL (PostgreSQL)', { store: kind });
    return this.pgvector;
  }
}
