/**
 * Mutations (jobs, adding and removing paintings) need one of the configured API keys, from
 * `x-api-key` or `Authorization: Bearer`. Both REST (as middleware) and GraphQL (from the resolver,
 * through the context) use the same check. Keys are never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { PainterError } from '../../src/errors.js';

export interface ApiKeyCheck {
  /** Throws API_KEY_REQUIRED (401) or API_KEY_INVALID (403) unless the headers carry a valid key. */
  verify(headers: IncomingHttpHeaders): void;
  middleware: RequestHandler;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
  return bearer?.[1];
}

export function createApiKeyCheck(keys: readonly string[]): ApiKeyCheck {
  // Comparing fixed-length digests keeps timingSafeEqual applicable and hides the key lengths.
  const digests = keys.map(digest);
  const verify = (headers: IncomingHttpHeaders): void => {
    if (digests.length === 0) {
      throw new PainterError('API_KEY_REQUIRED', 'Mutations are disabled: PAINTER_API_KEYS is unset on this server');
    }
    const key = presentedKey(headers);
    if (key === undefined) {
      throw new PainterError('API_KEY_REQUIRED', 'This operation needs an API key in the x-api-key header or as Authorization: Bearer');
    }
    const given = digest(key);
    let ok = false;
    // No early exit: every configured key is compared whatever matches.
    for (const d of digests) ok = timingSafeEqual(given, d) || ok;
    if (!ok) throw new PainterError('API_KEY_INVALID');
  };
  return {
    verify,
    middleware: (req, _res, next) => {
      verify(req.headers);
      next();
    },
  };
}
