import { apiSearch } from '../../src/shapes/search.js';
import { artistSummary, pageOf } from '../../src/shapes/catalog.js';
import { defineRoute } from '../api/route.js';
import { queryImageFrom } from '../http/body.js';
import { artistsQuery, compact, DEFAULT_K, idParams, imageForm, imageRefSchema, nearestArtistsQuery, toFilters } from '../http/params.js';

export const artistRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/artists/nearest',
    access: 'read',
    tag: 'Search',
    summary: 'Nearest artists of an image',
    description: "An uploaded image (multipart `image`) or a reference to a corpus painting or a stored upload. The query's nearest paintings (`neighbours`, default 50) are grouped by artist and ranked; each artist comes with its supporting paintings.",
    query: nearestArtistsQuery,
    body: { multipart: imageForm, json: imageRefSchema, required: true },
    upload: 'image',
    responses: { 200: { description: 'The nearest artists', schema: apiSearch.nearestArtistsResult } },
    errors: ['IMAGE_MISSING', 'IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE', 'PAINTING_NOT_FOUND', 'UPLOAD_NOT_FOUND', 'INDEX_NOT_READY'],
    handle: ({ req, query: q, services }) =>
      services.query.nearestArtists(queryImageFrom(req), compact({ k: q.k ?? DEFAULT_K, neighbours: q.neighbours, filters: toFilters(q) })),
  }),
  defineRoute({
    method: 'get',
    path: '/api/artists',
    access: 'read',
    tag: 'Catalog',
    summary: 'Artists, page by page',
    query: artistsQuery,
    responses: { 200: { description: 'A page of artists', schema: pageOf(artistSummary, 'ArtistPage') } },
    errors: ['CURSOR_INVALID'],
    handle: ({ query, services }) => services.catalog.artists(compact(query)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/artists/:id',
    access: 'read',
    tag: 'Catalog',
    summary: 'One artist',
    params: idParams,
    responses: { 200: { description: 'The artist', schema: artistSummary } },
    errors: ['ARTIST_NOT_FOUND'],
    handle: ({ params, services }) => services.catalog.artist(params.id),
  }),
];
