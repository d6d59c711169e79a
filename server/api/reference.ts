/**
 * The browsable API reference at /api/docs: Swagger UI from the `swagger-ui-dist` package, served
 * by this server under the same-origin Content-Security-Policy as the web page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { CONTENT_SECURITY_POLICY } from '../routes/web.js';

const OWN_DIR = fileURLToPath(new URL('./reference', import.meta.url));
const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Only what the page loads; the package's other files (its demo page, source maps) are not served. */
const SWAGGER_FILES = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js']);

export const REFERENCE_HTML = readFileSync(join(OWN_DIR, 'index.html'), 'utf8');

export function setPageHeaders(res: express.Response): void {
  res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'same-origin');
}

/** The page's assets under /api/docs/assets (the page itself is an entry of the route table). */
export function referenceAssets(): Router {
  const r = Router();
  const swagger = express.static(SWAGGER_DIR, { index: false, redirect: false, maxAge: '1d' });
  r.use('/api/docs/assets', (req, res, next) => {
    setPageHeaders(res);
    if (req.path === '/reference.js') return res.type('text/javascript').sendFile(join(OWN_DIR, 'reference.js'));
    if (!SWAGGER_FILES.has(req.path)) return next();
    return swagger(req, res, next);
  });
  return r;
}
