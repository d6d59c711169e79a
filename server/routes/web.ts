/**
 * The web page: the static files `npm run build:web` writes into web/dist, served from `/`.
 * Only files that exist are answered, so every other path (unknown /api routes included) falls
 * through to the JSON 404. The page talks to the same origin only, which its CSP enforces.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // blob: previews of the files chosen for upload, before they are sent.
  "img-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webRoutes(dir: string = DEFAULT_WEB_DIR): Router {
  const r = Router();
  r.use((req, res, next) => {
    if (req.path.startsWith('/api/') || req.path === '/graphql') return next();
    res.locals.route = 'static';
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'same-origin');
    next();
  });
  if (!existsSync(join(dir, 'index.html'))) {
    // A checkout where the page was never built: say how to build it instead of a bare 404.
    r.use((req, res, next) => {
      if (req.method !== 'GET' || (req.path !== '/' && req.path !== '/index.html')) return next();
      res.status(503).type('text/plain').send('The web page has not been built: run `npm run build:web` (npm start does it first).\n');
    });
    return r;
  }
  r.use(
    express.static(dir, {
      index: 'index.html',
      // The page's files are rebuilt in place, not renamed: revalidate (ETag) on every load.
      cacheControl: true,
      maxAge: 0,
      redirect: false,
    }),
  );
  return r;
}
