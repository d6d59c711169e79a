import type { Request } from 'express';
import { PainterError } from '../../src/errors.js';
import type { QueryImage } from '../../src/search/types.js';
import { apiSearch } from '../../src/shapes/search.js';
import { defineRoute } from '../api/route.js';
import { bodyKind, imageRef } from '../http/body.js';
import { idSchema, pairForm, pairJson, parse } from '../http/params.js';
import { fileFrom } from '../http/upload.js';

const SIDES = ['a', 'b'] as const;

export const verifyRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/verify',
    access: 'read',
    tag: 'Search',
    summary: 'Do two paintings share a painter?',
    description:
      'Each of `a` and `b` is an uploaded file (multipart), a painting id (a multipart text field, or a JSON number or string), or in JSON `{ paintingId }` / `{ uploadId }`. A bare string is always a painting id. The decision uses the model\'s calibrated threshold.',
    body: { multipart: pairForm, json: pairJson, required: true },
    upload: 'pair',
    responses: { 200: { description: 'The verdict', schema: apiSearch.verifyResult } },
    errors: ['IMAGE_MISSING', 'IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE', 'PAINTING_NOT_FOUND', 'UPLOAD_NOT_FOUND', 'INDEX_NOT_READY'],
    handle: ({ req, services }) => {
      const [a, b] = pairFrom(req);
      return services.query.verify(a, b);
    },
  }),
];

/** The two sides of a verification, from a multipart or a JSON body. */
function pairFrom(req: Request): [QueryImage, QueryImage] {
  const kind = bodyKind(req, ['multipart', 'json']);
  if (kind === 'none') throw new PainterError('IMAGE_MISSING', "Send 'a' and 'b' as multipart files or ids, or JSON { \"a\": …, \"b\": … }");
  const [a, b] = SIDES.map((name) => (kind === 'multipart' ? formSide(req, name) : side(bodyField(req, name), name)));
  return [a, b];
}

function formSide(req: Request, name: string): QueryImage {
  const file = fileFrom(req, name);
  return file ? { kind: 'upload', ...file } : side(bodyField(req, name), name);
}

function side(value: unknown, name: string): QueryImage {
  if (value === undefined || value === null || value === '') {
    throw new PainterError('IMAGE_MISSING', `'${name}' needs a file, a painting id, or { "uploadId": … }`, { field: name });
  }
  if (typeof value === 'object') return imageRef(value, name);
  return { kind: 'painting', paintingId: parse(idSchema, value, name) };
}

function bodyField(req: Request, name: string): unknown {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}
