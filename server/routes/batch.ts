/**
 * Many questions in one call, answered one item per input in order (`{ items: [{ index, result,
 * error }] }`): a bad item gets its own error, the rest are answered. Images are multipart files
 * `images` (repeated) or JSON `{ "images": [{ "paintingId": … } | { "uploadId": … }] }`; pairs are
 * JSON `{ "pairs": [{ "a": 12, "b": { "uploadId": "…" } }] }`.
 */
import type { Request } from 'express';
import type { BatchLimits } from '../../src/config.js';
import { PainterError, type ErrorCode } from '../../src/errors.js';
import type { BatchImage } from '../../src/search/types.js';
import { apiBatch } from '../../src/shapes/batch.js';
import { defineRoute } from '../api/route.js';
import { batchFiles, tooManyImages } from '../http/batch-upload.js';
import { imageBatchRequest, imagesFrom, pairsFrom, verifyBatchRequest } from '../http/batch-schemas.js';
import { bodyKind } from '../http/body.js';
import { compact, DEFAULT_K, imagesForm, nearestArtistsQuery, similarPaintingsQuery, toFilters } from '../http/params.js';

const PER_ITEM = 'Each item is answered on its own, in order: `result`, or the `error` a single request would have answered with (`IMAGE_UNREADABLE`, `PAINTING_NOT_FOUND`, …) while the rest are answered.';
const BATCH_ERRORS: ErrorCode[] = ['BATCH_TOO_LARGE', 'IMAGE_MISSING', 'INDEX_NOT_READY'];

export const batchRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/verify/batch',
    access: 'read',
    tag: 'Search',
    summary: 'Many "same painter?" questions in one call',
    description: `Each pair's sides are painting ids or \`{ paintingId }\` / \`{ uploadId }\`; at most \`PAINTER_BATCH_MAX_PAIRS\` pairs. ${PER_ITEM}`,
    body: { json: verifyBatchRequest, required: true },
    responses: { 200: { description: 'One verdict or error per pair', schema: apiBatch.verify } },
    errors: BATCH_ERRORS,
    handle: ({ req, services, deps }) => {
      if (bodyKind(req, ['json']) === 'none') throw new PainterError('IMAGE_MISSING', 'Send JSON { "pairs": [{ "a": …, "b": … }] }');
      return services.query.verifyMany(pairsFrom(req.body, deps.batchLimits));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/artists/nearest/batch',
    access: 'read',
    tag: 'Search',
    summary: 'Nearest artists of many images in one call',
    description: `Multipart files \`images\` (repeated), or JSON \`{ images: [{ paintingId } | { uploadId }] }\`; at most \`PAINTER_BATCH_MAX_IMAGES\` images and \`PAINTER_BATCH_MAX_MB\` of uploads. Uploads go through the encoder's micro-batches together. ${PER_ITEM}`,
    query: nearestArtistsQuery,
    body: { multipart: imagesForm, json: imageBatchRequest, required: true },
    upload: 'batch',
    responses: { 200: { description: 'One ranking or error per image', schema: apiBatch.nearestArtists } },
    errors: BATCH_ERRORS,
    handle: ({ req, query: q, services, deps }) =>
      services.query.nearestArtistsMany(imagesOf(req, deps.batchLimits), compact({ k: q.k ?? DEFAULT_K, neighbours: q.neighbours, filters: toFilters(q) })),
  }),
  defineRoute({
    method: 'post',
    path: '/api/paintings/similar/batch',
    access: 'read',
    tag: 'Search',
    summary: 'Similar paintings of many images in one call',
    description: `As \`/api/artists/nearest/batch\`, answering the nearest paintings of each image. ${PER_ITEM}`,
    query: similarPaintingsQuery,
    body: { multipart: imagesForm, json: imageBatchRequest, required: true },
    upload: 'batch',
    responses: { 200: { description: 'One list of paintings or error per image', schema: apiBatch.similarPaintings } },
    errors: BATCH_ERRORS,
    handle: ({ req, query: q, services, deps }) => services.query.similarPaintingsMany(imagesOf(req, deps.batchLimits), compact({ k: q.k, filters: toFilters(q) })),
  }),
];

const MISSING = 'Send multipart files \'images\', or JSON { "images": [{ "paintingId": n } | { "uploadId": "…" }] }';

function imagesOf(req: Request, limits: BatchLimits): BatchImage[] {
  const kind = bodyKind(req, ['multipart', 'json']);
  if (kind === 'none') throw new PainterError('IMAGE_MISSING', MISSING);
  if (kind === 'json') return imagesFrom(req.body, limits);
  const files = batchFiles(req);
  if (files.length === 0) throw new PainterError('IMAGE_MISSING', MISSING, { field: 'images' });
  if (files.length > limits.images) throw tooManyImages(limits, files.length);
  return files.map((f, i) =>
    f.empty
      ? { kind: 'invalid', error: new PainterError('IMAGE_EMPTY', `The uploaded file ${f.filename ? `'${f.filename}'` : `images.${i}`} is empty`, { field: `images.${i}` }) }
      : { kind: 'upload', bytes: f.bytes, ...(f.filename ? { filename: f.filename } : {}) },
  );
}
