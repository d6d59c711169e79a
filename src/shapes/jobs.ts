/** Jobs (index builds, training, evaluation) and the index status that shows a rebuild's progress. */
import { z } from 'zod';
import { JOB_KINDS, JOB_STATUSES, VECTOR_STORES } from '../db/types.js';
import { hnswParams } from './index-builds.js';
import { named } from './painting.js';

export const progress = named(z.object({ done: z.number(), total: z.number() }), 'Progress');

export const job = named(
  z.object({
    id: z.string(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    phase: z.string().meta({ description: "What it is doing now, e.g. 'embedding', 'building', 'training epoch 3/12'" }),
    progress,
    params: z.record(z.string(), z.unknown()),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    owner: z.string().nullable().meta({ description: 'The replica running it' }),
    attempts: z.number().int().meta({ description: 'Claims so far: a job whose replica died may run again' }),
    cancelRequested: z.boolean().meta({ description: 'A cancel was asked for; the job ends cancelled' }),
  }),
  'Job',
);
export type Job = z.infer<typeof job>;
export type JobKind = Job['kind'];
export type JobStatus = Job['status'];

export const indexStatus = named(
  z.object({
    serving: z
      .object({
        id: z.number().int(),
        modelVersion: z.number().int(),
        store: z.enum(VECTOR_STORES).meta({ description: 'Where its vectors live' }),
        elementCount: z.number().int(),
        params: hnswParams,
        buildSeconds: z.number().nullable(),
        createdAt: z.string(),
      })
      .nullable()
      .meta({ description: 'The index answering queries now, or null when none is loaded' }),
    activeBuildId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The build the alias names (every replica converges on it); differs from `serving.id` only while this replica catches up' }),
    pinned: z.boolean().meta({ description: 'A build was activated by hand: finished rebuilds do not replace it' }),
    building: z.object({ jobId: z.string(), phase: z.string(), progress }).nullable().meta({ description: 'A rebuild in progress, if any' }),
  }),
  'IndexStatus',
);
export type IndexStatus = z.infer<typeof indexStatus>;
