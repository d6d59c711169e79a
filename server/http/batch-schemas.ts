/**
 * Request bodies of the batch routes (`POST /api/verify/batch`, `/api/artists/nearest/batch`,
 * `/api/paintings/similar/batch`) and of choosing a model's calibration. The envelope (how many
 * items) is checked for the whole request; each item is checked on its own, so a bad item is
 * answered with its error while the others are answered. Their answers are in src/shapes/batch.ts.
 */
import { z } from 'zod';
import type { BatchLimits } from '../../src/config.js';
import { PainterError } from '../../src/errors.js';
import type { BatchImage, QueryImage } from '../../src/search/types.js';
import { idSchema, imageRefObject, imageRefSchema, pairJson, parse, withoutNulls } from './params.js';

/** Documented shapes; the handlers read the items one by one (pairsFrom, imagesFrom). */
export const verifyBatchRequest = z.object({ pairs: z.array(pairJson).min(1) });
/** JSON alternative to multipart `images` files: corpus paintings and stored uploads. */
export const imageBatchRequest = z.object({ images: z.array(imageRefObject).min(1) });
/** `{ "evaluationId": n }`, or null for the model's newest test-split evaluation. */
export const calibrationRequest = z.object({
  evaluationId: idSchema.nullable().meta({ description: "The evaluation to calibrate the model's answers from; null returns to its newest test-split evaluation" }),
});

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
