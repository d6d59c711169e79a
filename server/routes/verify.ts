import { Router, type Request } from 'express';
import { PainterError } from '../../src/errors.js';
import type { QueryImage } from '../../src/search/types.js';
import { bodyKind, imageRef } from '../http/body.js';
import { idSchema, parse } from '../http/params.js';
import { fileFrom } from '../http/upload.js';
import type { RouteDeps } from './deps.js';

const SIDES = ['a', 'b'] as const;

/**
 * `POST /api/verify`: each of `a` and `b` is an uploaded file (multipart), a painting id (a
 * multipart text field, or a JSON number or string), or in JSON `{ paintingId }` / `{ uploadId }`.
 * A bare string is always a painting id, so a typo cannot turn into a lookup of some upload.
 */
export function verifyRoutes({ services, uploads }: RouteDeps): Router {
  const r = Router();
  r.post('/api/verify', uploads.pair, async (req, res) => {
    const kind = bodyKind(req, ['multipart', 'json']);
    if (kind === 'none') throw new PainterError('IMAGE_MISSING', "Send 'a' and 'b' as multipart files or ids, or JSON { \"a\": …, \"b\": … }");
    const [a, b] = SIDES.map((name) => (kind === 'multipart' ? formSide(req, name) : side(bodyField(req, name), name)));
    res.json(await services.query.verify(a, b));
  });
  return r;
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
