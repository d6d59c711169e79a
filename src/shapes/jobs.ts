/** Jobs (index builds, training, evaluation) and the index status that shows a rebuild's progress. */
import { z } from 'zod';
import { named } from './painting.js';

export const progress = named(z.object({ done: z.number(), total: z.number() }), 'Progress');

export const JOB_KINDS = ['index', 'train', 'evaluate'] as const;
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

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
        elementCount: z.number().int(),
        params: z.object({ M: z.number().int(), efConstruction: z.number().int(), ef: z.number().int() }),
        buildSeconds: z.number().nullable(),
        createdAt: z.string(),
      })
      .nullable()
      .meta({ description: 'The index answering queries now, or null when none is loaded' }),
    building: z.object({ jobId: z.string(), phase: z.string(), progress }).nullable().meta({ description: 'A rebuild in progress, if any' }),
  }),
  'IndexStatus',
);
export type IndexStatus = z.infer<typeof indexStatus>;
