/** A backup the server wrote. */
import { z } from 'zod';
import { named } from './painting.js';

export const backupRecord = named(
  z.object({
    name: z.string(),
    /** Where on the server's machine it was written. */
    dir: z.string(),
    createdAt: z.string(),
    method: z.enum(['pglite-dump', 'pg_dump', 'sql-rows']),
    modelVersions: z.array(z.number().int()),
    indexBuild: z.number().int().nullable(),
    addedPaintings: z.number().int(),
    files: z.number().int(),
    bytes: z.number().int(),
  }),
  'Backup',
);
export type BackupRecord = z.infer<typeof backupRecord>;
