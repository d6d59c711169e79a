/**
 * Keyset pagination helpers. A cursor is the base64url JSON of the last row's sort key: opaque to
 * clients, stable under inserts and deletes (no offset drift), and checked on the way back in.
 */
import { PainterError } from '../../errors.js';

export const MAX_PAGE_SIZE = 200;
/** Items a page holds unless asked otherwise. */
export const DEFAULT_PAGE_SIZE = 50;
/** A cursor is a few dozen bytes; anything far longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;
const INT4_MAX = 2_147_483_647;

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PainterError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { field: 'limit', value: limit });
  }
  return limit;
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export type KeyShape = Record<string, 'string' | 'id'>;
type KeyOf<S extends KeyShape> = { [K in keyof S]: S[K] extends 'string' ? string : number };

/** Decodes a cursor that must have exactly the fields of `shape`; anything else is CURSOR_INVALID. */
export function decodeCursor<S extends KeyShape>(cursor: string, shape: S): KeyOf<S> {
  const invalid = () => new PainterError('CURSOR_INVALID', 'The pagination cursor is malformed or belongs to another listing', { cursor: cursor.slice(0, 100) });
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const record = value as Record<string, unknown>;
  const fields = Object.keys(shape);
  if (Object.keys(record).length !== fields.length) throw invalid();
  for (const f of fields) {
    const v = record[f];
    // Ids are PostgreSQL integers: a larger number would make the query fail rather than match nothing.
    const ok = shape[f] === 'string' ? typeof v === 'string' : Number.isInteger(v) && Math.abs(v as number) <= INT4_MAX;
    if (!ok) throw invalid();
  }
  return record as KeyOf<S>;
}
