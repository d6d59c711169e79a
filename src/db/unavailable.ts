/**
 * Recognises "the database cannot be reached" among the errors pg, PGlite and Prisma throw, so
 * callers answer 503 DATABASE_UNAVAILABLE (retry later) instead of a 500.
 */
import { PainterError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs of a server shutting down or a lost connection; Prisma's connection errors. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|Client has encountered a connection error|server closed the connection|ECONNREFUSED|ECONNRESET/i;

export function databaseUnavailable(err: unknown): PainterError | null {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if ((typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code))) || (typeof message === 'string' && MESSAGES.test(message))) {
      return new PainterError('DATABASE_UNAVAILABLE', 'The metadata database cannot be reached; retry shortly', undefined, { cause: err });
    }
  }
  return null;
}
