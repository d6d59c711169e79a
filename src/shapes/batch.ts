/**
 * Answers of the batch queries: one item per input, in the order asked, each either a result or
 * the error a single request would have answered with (the rest of the batch is still answered).
 */
import { z } from 'zod';
import { apiSearch, coreSearch } from './search.js';
import { named, unnamed, type Namer } from './painting.js';

export const itemErrorFields = {
  code: z.string().meta({ description: "The error's stable code (src/errors.ts)" }),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
};

/** `{ items: [{ index, result, error }], succeeded, failed, tookMs }` over `result`. */
export function batchOf<T extends z.ZodType>(result: T, name: Namer, id: string) {
  const itemError = name(z.object(itemErrorFields), 'ItemError', 'A failed item: the error a single request would have answered with');
  return name(
    z.object({
      items: z.array(
        z.object({
          index: z.number().int().min(0).meta({ description: "The item's position in the request" }),
          result: z.union([result, z.null()]),
          error: z.union([itemError, z.null()]),
        }),
      ),
      succeeded: z.number().int(),
      failed: z.number().int(),
      tookMs: z.number(),
    }),
    id,
  );
}

export const coreBatch = {
  nearestArtists: batchOf(coreSearch.nearestArtistsResult, unnamed, 'NearestArtistsBatch'),
  similarPaintings: batchOf(coreSearch.similarPaintingsResult, unnamed, 'SimilarPaintingsBatch'),
  verify: batchOf(coreSearch.verifyResult, unnamed, 'VerifyBatch'),
};
export const apiBatch = {
  nearestArtists: batchOf(apiSearch.nearestArtistsResult, named, 'NearestArtistsBatch'),
  similarPaintings: batchOf(apiSearch.similarPaintingsResult, named, 'SimilarPaintingsBatch'),
  verify: batchOf(apiSearch.verifyResult, named, 'VerifyBatch'),
};

export type ItemError = z.infer<z.ZodObject<typeof itemErrorFields>>;
export interface BatchItem<T> {
  index: number;
  result: T | null;
  error: ItemError | null;
}
/** The shape `batchOf` describes, over any result type (the services are generic in it). */
export interface BatchResult<T> {
  items: BatchItem<T>[];
  succeeded: number;
  failed: number;
  tookMs: number;
}
export type ApiNearestArtistsBatch = z.infer<typeof apiBatch.nearestArtists>;
export type ApiSimilarPaintingsBatch = z.infer<typeof apiBatch.similarPaintings>;
export type VerifyBatch = z.infer<typeof apiBatch.verify>;
