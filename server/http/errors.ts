/**
 * Every failure leaves as `{ error: { code, message, details? } }` with the code's HTTP status
 * (GraphQL's path gets the GraphQL error shape instead). Errors the client caused are translated
 * from multer, body-parser and zod; anything else is INTERNAL, logged here and never echoed.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { MulterError } from 'multer';
import { ZodError } from 'zod';
import { databaseUnavailable } from '../../src/db/unavailable.js';
import { isPainterError, PainterError } from '../../src/errors.js';
import { invalidArgument } from './params.js';

export interface ServerLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Told about database failures that reached a request (for the metrics). */
export type DatabaseErrorHook = (kind: 'unavailable' | 'query') => void;

export function errorHandler(log: ServerLog, onDatabaseError: DatabaseErrorHook = () => undefined): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      // Mid-stream (e.g. a file being sent): express closes the connection.
      next(err);
      return;
    }
    let error = toPainterError(err);
    if (error?.code === 'DATABASE_UNAVAILABLE') onDatabaseError('unavailable');
    if (!error) {
      if (isDatabaseError(err)) onDatabaseError('query');
      log.warn(`${req.method} ${req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      error = new PainterError('INTERNAL');
    }
    // A route may have set these for the answer it meant to send (e.g. an image).
    res.removeHeader('Cache-Control');
    res.status(error.status).type('application/json');
    if (isGraphqlPath(req)) res.json({ errors: [{ message: error.message, extensions: { code: error.code, status: error.status } }] });
    else res.json({ error: error.toJSON() });
  };
}

export const notFound: RequestHandler = (req) => {
  throw new PainterError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.path}`);
};

/** The client-facing error for `err`, or null when it is a fault of ours. */
export function toPainterError(err: unknown): PainterError | null {
  if (isPainterError(err)) return err;
  const unavailable = databaseUnavailable(err);
  if (unavailable) return unavailable;
  if (err instanceof ZodError) return invalidArgument(err);
  if (err instanceof MulterError) return fromMulter(err);
  // The router's own: a path parameter that is not valid percent-encoding.
  if (err instanceof URIError && (err as HttpError).status === 400) return new PainterError('BAD_REQUEST', err.message);
  if (typeof err === 'object' && err !== null) return fromHttpError(err as HttpError);
  return null;
}

function fromMulter(err: MulterError): PainterError {
  const details = err.field ? { field: err.field } : undefined;
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new PainterError('PAYLOAD_TOO_LARGE', `The file '${err.field}' is larger than the upload limit`, details);
    case 'LIMIT_FIELD_VALUE':
      return new PainterError('PAYLOAD_TOO_LARGE', `The form field '${err.field}' is too long`, details);
    case 'LIMIT_UNEXPECTED_FILE':
      return new PainterError('BAD_REQUEST', `Unexpected file field '${err.field}'`, details);
    default:
      return new PainterError('BAD_REQUEST', `Malformed multipart body: ${err.message}`, details);
  }
}

/** body-parser and express raise http-errors: a status, `expose`, and body-parser's `type`. */
interface HttpError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  limit?: unknown;
  message?: unknown;
}

function fromHttpError(err: HttpError): PainterError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new PainterError('BAD_REQUEST', 'The body is not valid JSON');
    case 'entity.too.large':
      return new PainterError('PAYLOAD_TOO_LARGE', undefined, typeof err.limit === 'number' ? { limit: err.limit } : undefined);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new PainterError('UNSUPPORTED_MEDIA_TYPE', typeof err.message === 'string' ? err.message : undefined);
  }
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500 || err.expose !== true) return null;
  if (status === 413) return new PainterError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new PainterError('UNSUPPORTED_MEDIA_TYPE');
  // e.g. a client that went away mid-body.
  return new PainterError('BAD_REQUEST', typeof err.message === 'string' ? err.message : undefined);
}

/** Errors raised by Prisma or a PostgreSQL driver (a failed statement rather than a lost connection). */
function isDatabaseError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof name === 'string' && name.startsWith('PrismaClient')) || (typeof code === 'string' && /^(P\d{4}|[0-9A-Z]{5})$/.test(code) && !/^E[A-Z]+$/.test(code));
}

function isGraphqlPath(req: Request): boolean {
  return req.path === '/graphql';
}
