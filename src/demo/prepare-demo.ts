/**
 * First start with nothing imported: a small generated corpus (synthetic "artists" with learnable
 * signatures) is imported, a model is trained on it, evaluated and indexed, so a fresh server
 * answers every query end to end. A real collection replaces it: import, train, index, serve.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import { evaluate } from '../services/evaluation-service.js';
import { importDataset } from '../services/import-service.js';
import type { IndexService, Logger } from '../services/index-service.js';
import { generatePaintingDataset } from './generate-paintings.js';

export type TrainDemoModel = (datasetId: number) => Promise<{ version: number }>;

export const DEMO_CORPUS = { artists: 16, perArtist: 10, size: 160, styles: 4, seed: 7 } as const;

/**
 * Does nothing when any dataset has been imported: a real collection is never trained on
 * implicitly. `exclusive` runs it under a lock across replicas starting together (the first
 * prepares, the others then find the corpus and do nothing).
 */
export async function prepareDemo(
  cfg: Config,
  repos: Repositories,
  deps: { indexes: IndexService; trainDemoModel: TrainDemoModel; log: Logger; exclusive?: <T>(fn: () => Promise<T>) => Promise<T> },
): Promise<'prepared' | 'existing'> {
  if (await repos.datasets.latest()) return 'existing';
  return (deps.exclusive ?? ((fn) => fn()))(() => prepare(cfg, repos, deps));
}

async function prepare(cfg: Config, repos: Repositories, deps: { indexes: IndexService; trainDemoModel: TrainDemoModel; log: Logger }): Promise<'prepared' | 'existing'> {
  if (await repos.datasets.latest()) return 'existing';
  const { log } = deps;
  const dir = join(cfg.dataDir, 'demo-corpus');
  log.info(`no corpus imported: generating a demo corpus of ${DEMO_CORPUS.artists} artists in ${dir}`);
  await generatePaintingDataset(dir, { ...DEMO_CORPUS, layout: 'labels-csv' });
  const imported = await importDataset(repos.datasets, dir);
  log.info('training a demo model…');
  const trained = await deps.trainDemoModel(imported.datasetId);
  const e = await evaluate(cfg, repos, { model: trained.version, split: 'test' });
  log.info(`demo model v${trained.version}: test AUC ${e.auc.toFixed(3)}; indexing the demo corpus…`);
  await deps.indexes.publish(await deps.indexes.build({ modelVersion: trained.version }), { load: false });
  return 'prepared';
}
