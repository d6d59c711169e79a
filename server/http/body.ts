/**
 * What kind of body a request carries, and the query image it names. Routes that take an image
 * accept a multipart upload or a JSON reference to a corpus painting or a stored upload.
 */
import type { Request } from 'express';
import { PainterError } from '../../src/errors.js';
import type { QueryImage } from '../../src/search/types.js';
import type { AddPaintingInput } from '../services.js';
import { addPaintingFields, compact, imageRefSchema, parse, withoutNulls } from './params.js';
import { requireFile } from './upload.js';

export type BodyKind = 'multipart' | 'json' | 'none';

/** Throws UNSUPPORTED_MEDIA_TYPE for a body of any kind not in `accepted`. */
export function bodyKind(req: Request, accepted: readonly BodyKind[]): BodyKind {
  const kind = detect(req);
  // A missing body is left to the route: it may be optional or mean "no image".
  if (kind === 'none' || (kind !== undefined && accepted.includes(kind))) return kind;
  const expected = accepted.filter((k) => k !== 'none').map((k) => (k === 'json' ? 'application/json' : 'multipart/form-data'));
  throw new PainterError('UNSUPPORTED_MEDIA_TYPE', `Send ${expected.join(' or ')}`, {
    contentType: req.headers['content-type'] ?? null,
    expected,
  });
}

function detect(req: Request): BodyKind | undefined {
  if (!req.headers['content-type']) {
    const length = req.headers['content-length'];
    const empty = req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
    return empty ? 'none' : undefined;
  }
  if (req.is('multipart/form-data')) return 'multipart';
  if (req.is('application/json')) return 'json';
  return undefined;
}

/** The body of a JSON-only route whose fields are all optional: no body at all reads as `{}`. */
export function jsonBody(req: Request): unknown {
  return bodyKind(req, ['json']) === 'json' && req.body !== undefined ? req.body : {};
}

const MISSING = "Send the image as multipart file field 'image', or JSON { \"paintingId\": n } or { \"uploadId\": \"…\" }";

/** The query image of an image route: multipart `image`, or JSON `{ paintingId }` / `{ uploadId }`. */
export function queryImageFrom(req: Request): QueryImage {
  const kind = bodyKind(req, ['multipart', 'json']);
  if (kind === 'multipart') return { kind: 'upload', ...requireFile(req, 'image') };
  if (kind === 'none') throw new PainterError('IMAGE_MISSING', MISSING);
  return imageRef(req.body);
}

/** `{ paintingId }` or `{ uploadId }`; neither is IMAGE_MISSING, both is INVALID_ARGUMENT. */
export function imageRef(value: unknown, where?: string): QueryImage {
  const ref = withoutNulls(value);
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && !('paintingId' in ref) && !('uploadId' in ref)) {
    throw new PainterError('IMAGE_MISSING', where ? `'${where}' needs a paintingId or an uploadId` : MISSING, where ? { field: where } : undefined);
  }
  return parse(imageRefSchema, ref, where);
}

/** The painting a multipart `POST /api/paintings` adds: its file and its fields. */
export function addedPaintingFrom(req: Request): AddPaintingInput {
  bodyKind(req, ['multipart']);
  const file = requireFile(req, 'image');
  const { artist, ...optional } = parse(addPaintingFields, req.body ?? {});
  return { ...file, artist, ...compact(optional) };
}
