/** Liveness, readiness and the error body every failure answers with. */
import { z } from 'zod';
import { ErrorCodes, type ErrorCode } from '../errors.js';
import { named } from './painting.js';

const ERROR_CODES = Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]];

export const liveness = named(z.object({ status: z.literal('ok') }), 'Liveness');
export const readiness = named(
  z.object({ ready: z.boolean(), database: z.boolean(), index: z.boolean(), reasons: z.array(z.string()) }),
  'Readiness',
  'Database reachable and an index loaded; `reasons` names what is missing',
);
export type Readiness = z.infer<typeof readiness>;

export const errorBody = named(
  z.object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: 'A stable code; each has one HTTP status (src/errors.ts)' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  'Error',
);
