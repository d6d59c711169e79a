/**
 * Response shapes of the index-build and job-control routes as zod schemas, so a spec generator
 * can document them mechanically; the TypeScript types the services answer are inferred from them.
 */
import { z } from 'zod';
import { INDEX_BUILD_STATUSES, JOB_KINDS, JOB_STATUSES, VECTOR_STORES } from '../../src/db/types.js';

export const hnswParamsSchema = z.object({ M: z.number().int(), efConstruction: z.number().int(), ef: z.number().int() });

export const buildSummarySchema = z.object({
  id: z.number().int(),
  modelVersion: z.number().int(),
  status: z.enum(INDEX_BUILD_STATUSES),
  store: z.enum(VECTOR_STORES).describe('hnswlib: a file per build; pgvector: a table per build in PostgreSQL'),
  elementCount: z.number().int().nullable(),
  params: hnswParamsSchema,
  buildSeconds: z.number().nullable(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  active: z.boolean().describe('The alias points at it: every replica serves it'),
  pinned: z.boolean().describe('Active and pinned: finished rebuilds do not replace it'),
});

export const buildListSchema = z.object({
  builds: z.array(buildSummarySchema).describe('Newest first'),
  activeBuildId: z.number().int().nullable(),
  pinned: z.boolean(),
  keepBuilds: z.number().int().describe('Complete builds kept; older ones are deleted, never the active one'),
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  phase: z.string(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  params: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  owner: z.string().nullable().describe('The replica running it'),
  attempts: z.number().int().describe('Claims so far: a job whose replica died may run again'),
  cancelRequested: z.boolean(),
});

export type BuildList = z.infer<typeof buildListSchema>;
export type ApiJob = z.infer<typeof jobSchema>;
