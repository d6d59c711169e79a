import { Router } from 'express';
import { queryImageFrom } from '../http/body.js';
import { artistsQuery, compact, DEFAULT_K, idSchema, nearestArtistsQuery, parse, toFilters } from '../http/params.js';
import type { RouteDeps } from './deps.js';

export function artistsRoutes({ services, uploads }: RouteDeps): Router {
  const r = Router();
  r.post('/api/artists/nearest', uploads.image, async (req, res) => {
    const q = parse(nearestArtistsQuery, req.query);
    const image = queryImageFrom(req);
    res.json(await services.query.nearestArtists(image, compact({ k: q.k ?? DEFAULT_K, neighbours: q.neighbours, filters: toFilters(q) })));
  });
  r.get('/api/artists', async (req, res) => {
    res.json(await services.catalog.artists(compact(parse(artistsQuery, req.query))));
  });
  r.get('/api/artists/:id', async (req, res) => {
    res.json(await services.catalog.artist(parse(idSchema, req.params.id, 'id')));
  });
  return r;
}
