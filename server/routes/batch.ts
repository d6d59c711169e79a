import { Router, type Request } from 'express';
import { PainterError } from '../../src/errors.js';
import type { BatchImage } from '../../src/search/types.js';
import { batchFiles, tooManyImages } from '../http/batch-upload.js';
import { imagesFrom, pairsFrom } from '../http/batch-schemas.js';
import { bodyKind } from '../http/body.js';
import { compact, DEFAULT_K, nearestArtistsQuery, parse, similarPaintingsQuery, toFilters } from '../http/params.js';
import type { RouteDeps } from './deps.js';

/**
 * Many questions in one call, answered one item per input in order (`{ items: [{ index, result,
 * error }] }`): a bad item gets its own error, the rest are answered. Images are multipart files
 * `images` (repeated) or JSON `{ "images": [{ "paintingId": … } | { "uploadId": … }] }`; pairs are
 * JSON `{ "pairs": [{ "a": 12, "b": { "uploadId": "…" } }] }`.
 */
export function batchRoutes({ services, batchUpload, batchLimits }: RouteDeps): Router {
  const r = Router();
  r.post('/api/verify/batch', async (req, res) => {
    if (bodyKind(req, ['json']) === 'none') throw new PainterError('IMAGE_MISSING', 'Send JSON { "pairs": [{ "a": …, "b": … }] }');
    res.json(await services.query.verifyMany(pairsFrom(req.body, batchLimits)));
  });
  r.post('/api/artists/nearest/batch', batchUpload, async (req, res) => {
    const q = parse(nearestArtistsQuery, req.query);
    const images = imagesOf(req, batchLimits);
    res.json(await services.query.nearestArtistsMany(images, compact({ k: q.k ?? DEFAULT_K, neighbours: q.neighbours, filters: toFilters(q) })));
  });
  r.post('/api/paintings/similar/batch', batchUpload, async (req, res) => {
    const q = parse(similarPaintingsQuery, req.query);
    const images = imagesOf(req, batchLimits);
    res.json(await services.query.similarPaintingsMany(images, compact({ k: q.k, filters: toFilters(q) })));
  });
  return r;
}

const MISSING = 'Send multipart files \'images\', or JSON { "images": [{ "paintingId": n } | { "uploadId": "…" }] }';

function imagesOf(req: Request, limits: RouteDeps['batchLimits']): BatchImage[] {
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
