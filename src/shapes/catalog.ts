/** Artists and pages of the catalog. */
import { z } from 'zod';
import { ARTIST_SPLITS } from '../db/types.js';
import { named } from './painting.js';

export const artistSummary = named(
  z.object({ id: z.number().int(), name: z.string(), slug: z.string(), split: z.enum(ARTIST_SPLITS), paintingCount: z.number().int() }),
  'ArtistSummary',
);
export type ArtistSummary = z.infer<typeof artistSummary>;

/** A page of `item`s; `nextCursor` is passed as `after` for the next one (null on the last page). */
export function pageOf<S extends z.ZodType>(item: S, id: string) {
  return named(z.object({ items: z.array(item), nextCursor: z.string().nullable() }), id);
}

export const removedPainting = named(z.object({ id: z.number().int(), removed: z.literal(true) }), 'RemovedPainting');
