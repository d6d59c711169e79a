/**
 * Multipart bodies of batch queries: up to `images` files in the field `images`, each within the
 * upload limit, all of them within `bytes`. A body declared larger than `bytes` is refused before
 * it is read; a chunked one is cut off as soon as it passes the limit. Files stay in memory (the
 * services decode them; nothing touches disk).
 */
import type { Request, RequestHandler } from 'express';
import multer, { MulterError } from 'multer';
import type { BatchLimits } from '../../src/config.js';
import { PainterError } from '../../src/errors.js';
import { malformed, type UploadedImage } from './upload.js';

export const BATCH_FILE_FIELD = 'images';

export function tooManyImages(limits: BatchLimits, given?: number): PainterError {
  return new PainterError('BATCH_TOO_LARGE', `A batch holds at most ${limits.images} images${given !== undefined ? `, not ${given}` : ''}`, {
    field: BATCH_FILE_FIELD,
    max: limits.images,
    ...(given !== undefined ? { given } : {}),
  });
}

function tooManyBytes(limits: BatchLimits): PainterError {
  return new PainterError('BATCH_TOO_LARGE', `A batch's uploads may hold at most ${limits.bytes} bytes`, { maxBytes: limits.bytes });
}

export function createBatchUpload(maxUploadBytes: number, limits: BatchLimits): RequestHandler {
  const m = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxUploadBytes, files: limits.images, fields: 16, fieldSize: 4096, fieldNameSize: 64, parts: limits.images + 16, headerPairs: 20 },
    defParamCharset: 'utf8',
  }).array(BATCH_FILE_FIELD, limits.images);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.bytes) {
      res.setHeader('Connection', 'close');
      return next(tooManyBytes(limits));
    }
    let finished = false;
    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      next(err);
    };
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limits.bytes || finished) return;
      // Stop parsing, answer now, and let the rest of the body drain unread.
      req.unpipe();
      req.resume();
      res.setHeader('Connection', 'close');
      finish(tooManyBytes(limits));
    });
    m(req, res, (err?: unknown) => {
      if (err instanceof MulterError && (err.code === 'LIMIT_FILE_COUNT' || (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field === BATCH_FILE_FIELD))) {
        return finish(tooManyImages(limits));
      }
      finish(err == null || err instanceof MulterError ? err : malformed(err));
    });
  };
}

/** The uploaded files of a batch, in order. */
export function batchFiles(req: Request): (UploadedImage & { empty: boolean })[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files.map((f) => ({ bytes: f.buffer, empty: f.size === 0, ...(f.originalname ? { filename: f.originalname } : {}) }));
}
