/**
 * Request and response schemas of the batch routes (`POST /api/verify/batch`,
 * `/api/artists/nearest/batch`, `/api/paintings/similar/batch`) and the calibration route, in zod
 * so the API description can be generated from them. The envelope (how many items) is checked
 * for the whole request; each item is checked on its own, so a bad item is answered with its error
 * while the others are answered.
 */
import { z } from 'zod';
import type { BatchLimits } from '../../src/config.js';
import { PainterError } from '../../src/errors.js';
import { OPEN_SET_FEATURES, OPEN_SET_VERDICTS } from '../../src/scoring/open-set.js';
import type { BatchImage, QueryImage } from '../../src/search/types.js';
import { idSchema, imageRefSchema, parse, uploadIdSchema, withoutNulls } from './params.js';

/** `{ paintingId }` or `{ uploadId }`, as documented; parsed by imageRefSchema. */
export const imageRefInput = z.object({ paintingId: idSchema.optional(), uploadId: uploadIdSchema.optional() });
/** A side of a pair: a painting id, or `{ paintingId }` / `{ uploadId }`. */
export const pairSideInput = z.union([idSchema, imageRefInput]);
export const verifyPairInput = z.object({ a: pairSideInput, b: pairSideInput });

export const verifyBatchRequest = z.object({ pairs: z.array(verifyPairInput).min(1) });
/** JSON alternative to multipart `images` files: corpus paintings and stored uploads. */
export const imageBatchRequest = z.object({ images: z.array(imageRefInput).min(1) });
export const calibrationRequest = z.object({ evaluationId: idSchema.nullable() });

const envelope = (field: 'pairs' | 'images') => z.object({ [field]: z.array(z.unknown()).min(1, { error: `send at least one item in '${field}'` }) });

/** The items of a JSON batch body, each validated on its own; too many is BATCH_TOO_LARGE. */
function items(body: unknown, field: 'pairs' | 'images', max: number): unknown[] {
  const list = (parse(envelope(field), body) as Record<string, unknown[]>)[field];
  if (list.length > max) {
    throw new PainterError('BATCH_TOO_LARGE', `A batch holds at most ${max} ${field}, not ${list.length}`, { field, max, given: list.length });
  }
  return list;
}

/** An item that does not parse is answered with its INVALID_ARGUMENT; the rest go ahead. */
function orInvalid(f: () => QueryImage): BatchImage {
  try {
    return f();
  } catch (e) {
    return { kind: 'invalid', error: e as Error };
  }
}

function side(value: unknown, where: string): QueryImage {
  if (value === undefined || value === null || value === '') {
    throw new PainterError('IMAGE_MISSING', `'${where}' needs a painting id, { "paintingId": … } or { "uploadId": … }`, { field: where });
  }
  if (typeof value === 'object') return parse(imageRefSchema, withoutNulls(value), where);
  return { kind: 'painting', paintingId: parse(idSchema, value, where) };
}

export function pairsFrom(body: unknown, limits: BatchLimits): [BatchImage, BatchImage][] {
  return items(body, 'pairs', limits.pairs).map((pair, i) => {
    const p = typeof pair === 'object' && pair !== null ? (pair as Record<string, unknown>) : {};
    return [orInvalid(() => side(p.a, `pairs.${i}.a`)), orInvalid(() => side(p.b, `pairs.${i}.b`))];
  });
}

export function imagesFrom(body: unknown, limits: BatchLimits): BatchImage[] {
  return items(body, 'images', limits.images).map((ref, i) => orInvalid(() => parse(imageRefSchema, withoutNulls(ref), `images.${i}`)));
}

// ---- responses --------------------------------------------------------------------------------

export const paintingSummarySchema = z.object({
  id: z.number().int(),
  title: z.string().nullable(),
  year: z.string().nullable(),
  style: z.string().nullable(),
  split: z.string(),
  artistId: z.number().int().nullable(),
  artist: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  imageUrl: z.string(),
  thumbnailUrl: z.string(),
});
export const paintingNeighbourSchema = paintingSummarySchema.extend({ distance: z.number() });
export const queryInfoSchema = z.object({ paintingId: z.number().int().nullable(), modelVersion: z.number().int(), indexId: z.number().int(), tookMs: z.number() });
export const openSetResultSchema = z.object({
  verdict: z.enum(OPEN_SET_VERDICTS),
  probabilityIndexed: z.number().min(0).max(1),
  probabilityBestArtist: z.number().min(0).max(1).nullable(),
  score: z.union([z.enum(OPEN_SET_FEATURES), z.literal('learned')]),
  confidence: z.number(),
  evaluationId: z.number().int().nullable(),
});
export const nearestArtistsResultSchema = z.object({
  artists: z.array(
    z.object({
      artistId: z.number().int(),
      artist: z.string(),
      distance: z.number(),
      normalisedDistance: z.number().nullable(),
      score: z.number(),
      paintings: z.array(paintingNeighbourSchema),
    }),
  ),
  openSet: openSetResultSchema.nullable(),
  ranking: z.enum(['raw', 'csls']),
  query: queryInfoSchema,
});
export const similarPaintingsResultSchema = z.object({ paintings: z.array(paintingNeighbourSchema), query: queryInfoSchema });
export const verifyResultSchema = z.object({
  sameArtist: z.boolean(),
  distance: z.number(),
  score: z.object({ kind: z.enum(['distance', 'csls']), value: z.number() }),
  threshold: z.number(),
  confidence: z.number().min(0).max(1),
  probabilitySameArtist: z.number().min(0).max(1),
  calibration: z.object({ source: z.enum(['evaluation', 'default']), evaluationId: z.number().int().nullable() }),
  modelVersion: z.number().int(),
});
export const itemErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** `{ items: [{ index, result, error }], succeeded, failed, tookMs }`: one item per input, in order. */
export function batchResultSchema<T extends z.ZodType>(result: T) {
  return z.object({
    items: z.array(z.object({ index: z.number().int().min(0), result: result.nullable(), error: itemErrorSchema.nullable() })),
    succeeded: z.number().int(),
    failed: z.number().int(),
    tookMs: z.number(),
  });
}

export const nearestArtistsBatchResponse = batchResultSchema(nearestArtistsResultSchema);
export const similarPaintingsBatchResponse = batchResultSchema(similarPaintingsResultSchema);
export const verifyBatchResponse = batchResultSchema(verifyResultSchema);
