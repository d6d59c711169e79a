/**
 * Roles. Admin keys (`PAINTER_ADMIN_KEYS`, and `PAINTER_API_KEYS` as before) may do everything;
 * read keys (`PAINTER_READ_KEYS`) may query and browse. Reads need a key only once read keys are
 * configured; training, rebuilds and adding or removing paintings always need an admin key. A key
 * comes in `x-api-key` or `Authorization: Bearer`. No key or an unknown one is 401; a valid key
 * of the wrong role is 403. REST (middleware) and GraphQL (resolvers, through the context) share
 * the check, and the rate limit asks it which key is genuine. Keys are never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { PainterError } from '../../src/errors.js';
import type { Access } from '../api/route.js';

export type Role = 'read' | 'admin';

export interface Caller {
  /** The verified key's role, or null (no key, or one that matches none). */
  role: Role | null;
  /** A digest of the verified key (for rate-limit buckets); never the key itself. */
  keyId: string | null;
}

export interface AccessKeys {
  readKeys: readonly string[];
  adminKeys: readonly string[];
}

export interface AccessControl {
  /** Who the headers say is calling; never throws. */
  identify(headers: IncomingHttpHeaders): Caller;
  /** Throws 401 API_KEY_REQUIRED / API_KEY_INVALID or 403 API_KEY_FORBIDDEN unless `access` is met. */
  check(access: Access, headers: IncomingHttpHeaders): Caller;
  middleware(access: Access): RequestHandler;
  /** Whether `access` asks anything of a caller under this configuration. */
  isGuarded(access: Access): boolean;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
  return bearer?.[1];
}

const NEEDS_KEY = 'This operation needs an API key in the x-api-key header or as Authorization: Bearer';

export function createAccessControl({ readKeys, adminKeys }: AccessKeys): AccessControl {
  // A key listed in both is an admin key. Fixed-length digests keep timingSafeEqual applicable and hide key lengths.
  const keys = [...readKeys.filter((k) => !adminKeys.includes(k)).map((k) => ({ digest: digest(k), role: 'read' as Role })), ...adminKeys.map((k) => ({ digest: digest(k), role: 'admin' as Role }))];
  const anyKeys = keys.length > 0;
  const readGuarded = readKeys.length > 0;
  const adminConfigured = adminKeys.length > 0;

  const identify = (headers: IncomingHttpHeaders): Caller & { presented: boolean } => {
    const key = presentedKey(headers);
    if (key === undefined) return { role: null, keyId: null, presented: false };
    const given = digest(key);
    let role: Role | null = null;
    // No early exit: every configured key is compared whatever matches.
    for (const k of keys) if (timingSafeEqual(given, k.digest)) role = role === 'admin' ? role : k.role;
    return { role, keyId: role ? given.toString('hex') : null, presented: true };
  };

  const isGuarded = (access: Access) => (access === 'admin' ? true : access === 'read' ? readGuarded : access === 'metrics' ? anyKeys : false);

  const check = (access: Access, headers: IncomingHttpHeaders): Caller => {
    const caller = identify(headers);
    if (!isGuarded(access)) return { role: caller.role, keyId: caller.keyId };
    if (access === 'admin' && !adminConfigured) {
      throw new PainterError('API_KEY_REQUIRED', 'Mutations are disabled: no admin key is configured on this server (PAINTER_ADMIN_KEYS or PAINTER_API_KEYS)');
    }
    if (!caller.presented) throw new PainterError('API_KEY_REQUIRED', NEEDS_KEY);
    if (caller.role === null) throw new PainterError('API_KEY_INVALID');
    if (access === 'admin' && caller.role !== 'admin') throw new PainterError('API_KEY_FORBIDDEN', 'This operation needs an admin key; the key given is a read key');
    return { role: caller.role, keyId: caller.keyId };
  };

  return {
    identify: (headers) => {
      const { role, keyId } = identify(headers);
      return { role, keyId };
    },
    check,
    isGuarded,
    middleware: (access) => (req, _res, next) => {
      check(access, req.headers);
      next();
    },
  };
}
