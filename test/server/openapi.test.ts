/**
 * The OpenAPI document against the app: every route the express app answers is documented,
 * every documented operation answers (never 404/405), the committed web types are the ones the
 * document generates, and the answers of the fake services fit the documented schemas.
 */
import { readFileSync } from 'node:fs';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openApiPath, successStatus } from '../../server/api/route.js';
import { generateWebTypes, WEB_TYPES_FILE } from '../../server/api/web-types.js';
import { createApp } from '../../server/app.js';
import { ROUTES } from '../../server/routes/all.js';
import { fakeServices, imageFiles, KEY, MAX_UPLOAD, startTestServer, type TestServer } from './helpers.js';
import { SAMPLES, sampleKey } from './route-samples.js';

interface Operation {
  responses: Record<string, unknown>;
  security?: unknown[];
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

let t: TestServer;
let doc: Document;
beforeAll(async () => {
  t = await startTestServer();
  doc = (await t.call('/api/openapi.json')).body;
});
afterAll(() => t.close());

/** Every (method, path) an express app has a route for, `_all` for router.all(). */
function routeLayers(app: express.Express): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push({ method: m, path: layer.route.path });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return out;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with named schemas and the key schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['NearestArtistsResult', 'PaintingSummary', 'VerifyResult', 'Job', 'IndexStatus', 'Error']));
    expect(doc.paths['/api/index/rebuild'].post.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    expect(doc.paths['/api/paintings/{id}'].get.responses['404']).toBeDefined();
    expect(doc.paths['/api/artists/nearest'].post.responses['429']).toBeDefined();
  });

  it('documents every route the app answers, and nothing else', async () => {
    const files = imageFiles();
    const { app, close } = await createApp({ services: fakeServices(files), config: { adminKeys: [KEY], maxUploadBytes: MAX_UPLOAD, graphqlIntrospection: false } });
    try {
      const layers = routeLayers(app);
      const answered = layers.filter((l) => l.method !== '_all').map((l) => `${l.method} ${openApiPath(l.path)}`);
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
      expect([...answered].sort()).toEqual([...documented].sort());
      // The 405 catch-alls sit on documented paths only.
      for (const l of layers.filter((x) => x.method === '_all')) expect(doc.paths[openApiPath(l.path)]).toBeDefined();
    } finally {
      await close();
      files.cleanup();
    }
  });

  it.each(ROUTES.map((r) => ({ name: sampleKey(r), route: r })))('$name answers as documented', async ({ route }) => {
    const sample = SAMPLES[sampleKey(route)];
    expect(sample, `a sample request for ${sampleKey(route)} in route-samples.ts`).toBeDefined();
    const r = await t.call(sample.url, sample.request({ 'x-api-key': KEY }));
    expect(r.status).toBe(successStatus(route));
    expect(doc.paths[openApiPath(route.path)][route.method].responses[String(r.status)]).toBeDefined();
    const schema = route.responses[r.status]?.schema as z.ZodType | undefined;
    if (schema) {
      const parsed = schema.safeParse(r.body);
      expect(parsed.success ? null : parsed.error.issues).toBeNull();
    }
  });

  it('is what the web page was typed from (run `npm run api:types` after changing a route or schema)', async () => {
    expect(readFileSync(WEB_TYPES_FILE, 'utf8')).toBe(await generateWebTypes());
  });
});

describe('the reference page', () => {
  it('is served with its assets under the same-origin CSP', async () => {
    const page = await fetch(`${t.base}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of html.match(/\/api\/docs\/assets\/[\w.-]+/g) ?? []) {
      const asset = await fetch(t.base + src);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
    expect((await fetch(`${t.base}/api/docs/assets/index.html`)).status).toBe(404);
  });
});
