/** Index builds as objects: every written build, the alias naming the one all replicas serve, and retention. */
import { z } from 'zod';
import { INDEX_BUILD_STATUSES, VECTOR_STORES } from '../db/types.js';
import { named } from './painting.js';

export const hnswParams = named(
  z.object({ M: z.number().int(), efConstruction: z.number().int(), ef: z.number().int() }),
  'HnswParams',
  'HNSW parameters: M and efConstruction of the graph, ef (ef_search) of queries',
);

export const indexBuild = named(
  z.object({
    id: z.number().int(),
    modelVersion: z.number().int(),
    status: z.enum(INDEX_BUILD_STATUSES),
    store: z.enum(VECTOR_STORES).meta({ description: 'hnswlib: a file per build; pgvector: a table per build in PostgreSQL' }),
    elementCount: z.number().int().nullable(),
    params: hnswParams,
    buildSeconds: z.number().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    active: z.boolean().meta({ description: 'The alias points at it: every replica serves it' }),
    pinned: z.boolean().meta({ description: 'Active and pinned: finished rebuilds do not replace it' }),
  }),
  'IndexBuildRecord',
  'A written index build: complete ones can be activated (a rollback without a rebuild)',
);
export type IndexBuildSummary = z.infer<typeof indexBuild>;

export const indexBuildList = named(
  z.object({
    builds: z.array(indexBuild).meta({ description: 'Newest first' }),
    activeBuildId: z.number().int().nullable(),
    pinned: z.boolean(),
    keepBuilds: z.number().int().meta({ description: 'Complete builds kept; older ones are deleted, never the active one' }),
  }),
  'IndexBuildList',
);
export type BuildList = z.infer<typeof indexBuildList>;
