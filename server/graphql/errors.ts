/**
 * GraphQL errors carry the product's codes: a PainterError becomes `{ message, extensions:
 * { code, status, details? } }`; a request GraphQL cannot run (syntax, validation, variables,
 * CSRF) is GRAPHQL_INVALID with Apollo's own code as `reason` (HTTP 400, set by Apollo); anything
 * else is masked as INTERNAL and logged.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { databaseUnavailable } from '../../src/db/unavailable.js';
import { ErrorCodes, isPainterError } from '../../src/errors.js';
import type { ServerLog } from '../http/errors.js';

const INVALID_REQUEST = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);
/** Automatic persisted query clients react to these codes; they pass unchanged. */
const PROTOCOL = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export function formatGraphqlError(log: ServerLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { locations, path } = formatted;
    const unwrapped = unwrapResolverError(error);
    const original = isPainterError(unwrapped) ? unwrapped : (databaseUnavailable(unwrapped) ?? unwrapped);
    if (isPainterError(original)) {
      const { code, message, details } = original.toJSON();
      return { message, locations, path, extensions: { code, status: original.status, ...(details ? { details } : {}) } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PROTOCOL.has(code)) return formatted;
    if (typeof code === 'string' && INVALID_REQUEST.has(code)) {
      return { message: formatted.message, locations, path, extensions: { code: 'GRAPHQL_INVALID', status: 400, reason: code } };
    }
    const e = original instanceof Error ? original : error;
    log.warn(`GraphQL ${path ? path.join('.') : 'request'} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { message: ErrorCodes.INTERNAL.message, locations, path, extensions: { code: 'INTERNAL', status: 500 } };
  };
}
