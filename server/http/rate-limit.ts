/**
 * Per-client rate limiting: a token bucket per API key (when one is presented) or per IP address.
 * A bucket holds ten seconds' worth of requests, so short bursts pass and a sustained flood gets
 * 429 with Retry-After. Written here because it is a few lines over a Map; the popular middleware
 * would add a dependency for the same arithmetic.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PainterError } from '../../src/errors.js';

interface Bucket {
  tokens: number;
  updated: number;
}

/** Buckets kept at most; full, idle ones are dropped first when the map grows past this. */
const MAX_CLIENTS = 50_000;

export function clientKey(apiKey: string | undefined, ip: string | undefined): string {
  // Keys are hashed so they never sit in memory as themselves longer than the request.
  return apiKey ? `key:${createHash('sha256').update(apiKey).digest('hex')}` : `ip:${ip ?? 'unknown'}`;
}

export function createRateLimit(perMinute: number, now: () => number = Date.now): RequestHandler {
  const ratePerMs = perMinute / 60_000;
  const capacity = Math.max(1, Math.ceil(perMinute / 6));
  const buckets = new Map<string, Bucket>();

  const prune = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + (t - b.updated) * ratePerMs >= capacity) buckets.delete(k);
  };

  return (req, res, next) => {
    if (perMinute <= 0) return next();
    const header = req.get('x-api-key') ?? /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const key = clientKey(header, req.ip);
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
