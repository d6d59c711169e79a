/**
 * The embeddings of an imported corpus as the server holds them: the newest complete index build
 * recorded in the database, loaded through VectorIndex.load with its recorded checksum.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import type { CorpusPainting } from '../../src/db/types.js';
import { VectorIndex } from '../../src/index/vector-index.js';

export interface ServedEmbeddings {
  rows: Float32Array;
  labels: number[];
  dim: number;
  buildId: number;
  modelVersion: number;
  params: { M: number; efConstruction: number; ef: number };
  /** The catalog's view of each indexed painting (artist, split, style). */
  paintings: Map<number, CorpusPainting>;
}

/** The served embeddings of `dataDir`, or the reason there are none. */
export async function loadServedEmbeddings(dataDir: string): Promise<ServedEmbeddings | { missing: string }> {
  const cfg = loadConfig(process.env, { dataDir });
  // Opening an embedded database where none exists would create an empty one: look first.
  if (!cfg.databaseUrl && !existsSync(join(dataDir, 'indexes'))) return { missing: `no index in ${dataDir} (run \`painter index\` there, or pass --data-dir)` };
  const db = await openDatabase(cfg);
  const repos = createRepositories(db);
  try {
    const builds = await repos.builds.listComplete();
    for (const build of builds) {
      if (!build.checksum || build.store !== 'hnswlib') continue;
      const index = await VectorIndex.load(build.dir, { expectedChecksum: build.checksum }).catch(() => null);
      if (!index) continue;
      const labels = index.labels();
      const rows = new Float32Array(new SharedArrayBuffer(labels.length * index.dim * 4));
      labels.forEach((l, i) => rows.set(index.vector(l), i * index.dim));
      const paintings = new Map((await repos.catalog.corpus()).filter((p) => index.has(p.id)).map((p) => [p.id, p]));
      return { rows, labels, dim: index.dim, buildId: build.id, modelVersion: build.modelVersion, params: build.params, paintings };
    }
    return { missing: `no complete, readable index build recorded for ${dataDir}` };
  } finally {
    await db.close();
  }
}
