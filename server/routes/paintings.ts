import { Router } from 'express';
import { bodyKind, queryImageFrom } from '../http/body.js';
import {
  addPaintingFields,
  compact,
  DEFAULT_K,
  idSchema,
  nearestArtistsQuery,
  paintingsQuery,
  parse,
  similarPaintingsQuery,
  thumbnailQuery,
  toFilters,
} from '../http/params.js';
import { sendImage } from '../http/send-file.js';
import { requireFile } from '../http/upload.js';
import type { RouteDeps } from './deps.js';

export function paintingsRoutes({ services, uploads, requireApiKey }: RouteDeps): Router {
  const r = Router();
  const id = (raw: unknown) => parse(idSchema, raw, 'id');

  r.get('/api/paintings', async (req, res) => {
    res.json(await services.catalog.paintings(compact(parse(paintingsQuery, req.query))));
  });
  // Before '/:id' routes are matched: 'similar' is not an id.
  r.post('/api/paintings/similar', uploads.image, async (req, res) => {
    const q = parse(similarPaintingsQuery, req.query);
    const image = queryImageFrom(req);
    res.json(await services.query.similarPaintings(image, compact({ k: q.k, filters: toFilters(q) })));
  });
  r.get('/api/paintings/:id', async (req, res) => {
    res.json(await services.catalog.painting(id(req.params.id)));
  });
  r.get('/api/paintings/:id/image', async (req, res) => {
    const paintingId = id(req.params.id);
    await sendImage(res, await services.catalog.imageFile(paintingId), paintingId);
  });
  r.get('/api/paintings/:id/thumbnail', async (req, res) => {
    const paintingId = id(req.params.id);
    const { size } = parse(thumbnailQuery, req.query);
    await sendImage(res, await services.catalog.thumbnail(paintingId, size), paintingId);
  });
  r.get('/api/paintings/:id/nearest-artists', async (req, res) => {
    const paintingId = id(req.params.id);
    const q = parse(nearestArtistsQuery, req.query);
    const image = { kind: 'painting', paintingId } as const;
    res.json(await services.query.nearestArtists(image, compact({ k: q.k ?? DEFAULT_K, neighbours: q.neighbours, filters: toFilters(q) })));
  });
  r.get('/api/paintings/:id/similar', async (req, res) => {
    const paintingId = id(req.params.id);
    const q = parse(similarPaintingsQuery, req.query);
    res.json(await services.query.similarPaintings({ kind: 'painting', paintingId }, compact({ k: q.k, filters: toFilters(q) })));
  });
  // The key is checked before the upload is buffered.
  r.post('/api/paintings', requireApiKey, uploads.image, async (req, res) => {
    bodyKind(req, ['multipart']);
    const file = requireFile(req, 'image');
    const { artist, ...optional } = parse(addPaintingFields, req.body ?? {});
    const added = await services.catalog.addPainting({ ...file, artist, ...compact(optional) });
    res.status(201).location(`/api/paintings/${added.id}`).json(added);
  });
  r.delete('/api/paintings/:id', requireApiKey, async (req, res) => {
    res.json(await services.catalog.removePainting(id(req.params.id)));
  });
  return r;
}
