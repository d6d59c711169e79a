/**
 * Multipart uploads, buffered in memory (the services validate and decode the bytes; nothing
 * touches disk before that). Limits are enforced while streaming, so an oversized file is cut off
 * at maxUploadBytes + 1 rather than read whole.
 */
import type { Request, RequestHandler } from 'express';
import multer, { MulterError } from 'multer';
import type { BatchLimits } from '../../src/config.js';
import { PainterError } from '../../src/errors.js';
import { createBatchUpload } from './batch-upload.js';

export interface Uploads {
  /** File field `image`, plus any text fields (queries, uploads, adding a painting). */
  image: RequestHandler;
  /** File fields `a` and `b`, or text fields with ids (verify). */
  pair: RequestHandler;
  /** File field `images`, repeated, within the batch limits (batch queries). */
  batch: RequestHandler;
}

export interface UploadedImage {
  bytes: Buffer;
  filename?: string;
}

export function createUploads(maxUploadBytes: number, batchLimits: BatchLimits): Uploads {
  const m = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxUploadBytes, files: 2, fields: 8, fieldSize: 4096, fieldNameSize: 64, parts: 10, headerPairs: 20 },
    // Browsers send UTF-8 filenames without declaring a charset.
    defParamCharset: 'utf8',
  });
  const wrap = (handler: RequestHandler): RequestHandler => (req, res, next) =>
    handler(req, res, (err?: unknown) => next(err == null || err instanceof MulterError ? err : malformed(err)));
  return {
    image: wrap(m.fields([{ name: 'image', maxCount: 1 }])),
    pair: wrap(m.fields([{ name: 'a', maxCount: 1 }, { name: 'b', maxCount: 1 }])),
    batch: createBatchUpload(maxUploadBytes, batchLimits),
  };
}

/** busboy's own errors (no boundary, truncated part, …) are the client's malformed body. */
export function malformed(err: unknown): PainterError {
  const reason = err instanceof Error ? err.message : String(err);
  return new PainterError('BAD_REQUEST', `Malformed multipart body: ${reason}`);
}

/** The uploaded file of `field`, if any; a zero-byte file is IMAGE_EMPTY. */
export function fileFrom(req: Request, field: string): UploadedImage | undefined {
  const files = req.files as Record<string, Express.Multer.File[]> | undefined;
  const file = files?.[field]?.[0];
  if (!file) return undefined;
  if (file.size === 0) throw new PainterError('IMAGE_EMPTY', `The uploaded file '${field}' is empty`, { field });
  return { bytes: file.buffer, ...(file.originalname ? { filename: file.originalname } : {}) };
}

export function requireFile(req: Request, field: string): UploadedImage {
  const file = fileFrom(req, field);
  if (!file) throw new PainterError('IMAGE_MISSING', `Send the image as the multipart file field '${field}'`, { field });
  return file;
}
