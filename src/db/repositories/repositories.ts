/**
 * Every repository over one Prisma client, built once by a composition root (the server's
 * create-services, the CLI's context) and handed to the services that need them.
 */
import type { Database } from '../client.js';
import { CatalogRepository } from './catalog-repository.js';
import { DatasetRepository } from './dataset-repository.js';
import { EvaluationRepository } from './evaluation-repository.js';
import { IndexAliasRepository } from './index-alias-repository.js';
import { IndexBuildRepository } from './index-build-repository.js';
import { IndexChangeRepository } from './index-change-repository.js';
import { JobRepository } from './job-repository.js';
import { ModelRepository } from './model-repository.js';

export interface Repositories {
  catalog: CatalogRepository;
  datasets: DatasetRepository;
  models: ModelRepository;
  evaluations: EvaluationRepository;
  builds: IndexBuildRepository;
  alias: IndexAliasRepository;
  changes: IndexChangeRepository;
  jobs: JobRepository;
}

export function createRepositories(db: Pick<Database, 'prisma'>): Repositories {
  return {
    catalog: new CatalogRepository(db.prisma),
    datasets: new DatasetRepository(db.prisma),
    models: new ModelRepository(db.prisma),
    evaluations: new EvaluationRepository(db.prisma),
    builds: new IndexBuildRepository(db.prisma),
    alias: new IndexAliasRepository(db.prisma),
    changes: new IndexChangeRepository(db.prisma),
    jobs: new JobRepository(db.prisma),
  };
}
