/**
 * Per-client rate limiting: a token bucket per verified API key, and per client address for
 * everything else — no key, or a key that matches none (a made-up key per request must not buy a
 * fresh bucket). The address is `req.ip`, which follows the `trust proxy` setting
 * (PAINTER_TRUST_PROXY). A bucket holds ten seconds' worth of requests, so short bursts pass and a
 * sustained flood gets 429 with Retry-After. Written here because it is a few lines over a Map;
 * the popular middleware would add a dependency for the same arithmetic, and would still need
 * the key check to pick the bucket.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { PainterError } from '../../src/errors.js';

interface Bucket {
  tokens: number;
  updated: number;
}

/** Buckets kept at most; full, idle ones are dropped first when the map grows past this. */
const MAX_CLIENTS = 50_000;

/** Which verified key, if any, the headers carry: a digest, never the key itself. */
export type KeyIdentity = (headers: IncomingHttpHeaders) => string | null;

export function clientKey(verifiedKeyId: string | null, ip: string | undefined): string {
  return verifiedKeyId ? `key:${verifiedKeyId}` : `ip:${ip ?? 'unknown'}`;
}

export function createRateLimit(perMinute: number, identify: KeyIdentity, now: () => number = Date.now): RequestHandler {
  const ratePerMs = perMinute / 60_000;
  const capacity = Math.max(1, Math.ceil(perMinute / 6));
  const buckets = new Map<string, Bucket>();

  const prune = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + (t - b.updated) * ratePerMs >= capacity) buckets.delete(k);
  };

  return (req, res, next) => {
    if (perMinute <= 0) return next();
    const key = clientKey(identify(req.headers), req.ip);
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= MAX_CLIENTS) prune(t);
      b = { tokens: capacity, updated: t };
      buckets.set(key, b);
    }
    b.tokens = Math.min(capacity, b.tokens + (t - b.updated) * ratePerMs);
    b.updated = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000));
    res.set('Retry-After', String(retryAfter));
    next(new PainterError('RATE_LIMITED', `Too many requests: at most ${perMinute} per minute; retry in ${retryAfter} s`, { retryAfter }));
  };
}
