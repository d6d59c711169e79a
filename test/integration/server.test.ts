/**
 * The server end to end on each database (embedded, and PostgreSQL when TEST_DATABASE_URL is set):
 * a generated corpus is imported and a small encoder trained, then every REST route and GraphQL
 * operation is called over HTTP, an index rebuild is swapped in while queries keep being answered,
 * a rebuild stopped half-way leaves the old index serving, and bad input gets its 4xx.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset, type FixtureResult } from '../../src/demo/generate-paintings.js';
import { evaluate } from '../../src/services/evaluation-service.js';
import { importDataset } from '../../src/services/import-service.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { trainModel } from '../../training/train-service.js';
import { dropSchema, freshSchemaName, TARGETS, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';
import { fuzzRequests } from '../support/fuzz-inputs.js';
import { pngDeclaring, truncated } from '../support/hostile-images.js';

const KEY = 'test-key-0123456789';
const silent = { info: () => undefined, warn: () => undefined };

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`server on ${target.name}`, () => {
    let dir: string;
    let cfg: Config;
    let schema: string | undefined;
    let server: RunningServer;
    let fixture: FixtureResult;
    let base: string;
    let firstModel: number;

    const api = (path: string, init?: RequestInit) => fetch(base + path, init);
    const json = async (path: string, init?: RequestInit) => {
      const res = await api(path, init);
      return { status: res.status, body: (await res.json()) as any };
    };
    type Headers_ = Record<string, string>;
    const withKey = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Headers_), 'x-api-key': KEY } });
    const post = (body: unknown, init: RequestInit = {}): RequestInit => ({
      ...init,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(init.headers as Headers_) },
      body: JSON.stringify(body),
    });
    const imageForm = (field: string, bytes: Buffer, name = 'painting.jpg', type = 'image/jpeg') => {
      const form = new FormData();
      form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
      return form;
    };
    const gql = (query: string, variables?: object, headers: Headers_ = {}) =>
      json('/graphql', post({ query, variables }, { headers }));
    const corpusFile = (i: number) => readFileSync(join(fixture.root, fixture.paintings[i].relPath));
    const waitForJob = async (id: string) => {
      for (let i = 0; i < 600; i++) {
        const { body } = await json(`/api/jobs/${id}`);
        if (body.status === 'succeeded' || body.status === 'failed' || body.status === 'cancelled') return body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`job ${id} did not finish`);
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'painter-server-'));
      let databaseUrl: string | undefined;
      if (target.name === 'postgres') {
        schema = freshSchemaName();
        databaseUrl = urlWithSchema(TEST_DATABASE_URL!, schema);
      }
      cfg = loadConfig(
        {},
        {
          // Models, caches and the embedded database follow dataDir.
          dataDir: join(dir, 'data'),
          databaseUrl,
          port: 0,
          adminKeys: [KEY],
          maxUploadBytes: 2 * 1024 * 1024,
          rateLimitPerMinute: 0,
        },
      );
      await initBackend('wasm');
      fixture = await generatePaintingDataset(join(dir, 'corpus'), { artists: 10, perArtist: 6, size: 48, layout: 'labels-csv', seed: 5, styles: 2 });
      // Import and train before the server owns the database (the embedded one is single-process).
      const db = await openDatabase(cfg);
      const repos = createRepositories(db);
      try {
        await importDataset(repos.datasets, fixture.root);
        const trained = await trainModel(cfg, repos, {
          overrides: { preset: 'small', imageSize: 32, epochs: 2, stepsPerEpoch: 4, batchSize: 24, lr: 3e-3, seed: 1 },
          backend: 'wasm',
        });
        firstModel = trained.version;
        await evaluate(cfg, repos, { model: trained.version, split: 'test' });
      } finally {
        await db.close();
      }
      server = await startServer(cfg, { demo: false, host: '127.0.0.1', log: silent });
      base = server.url;
    });

    afterAll(async () => {
      await server?.close();
      if (schema) await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('is up but not ready before an index exists, and queries say why', async () => {
      expect((await json('/healthz')).status).toBe(200);
      const ready = await json('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.index).toBe(false);
      const q = await json('/api/artists/nearest', post({ paintingId: 1 }));
      expect(q.status).toBe(503);
      expect(q.body.error.code).toBe('INDEX_NOT_READY');
    });

    it('builds the index as a job, refuses a second concurrent rebuild, then is ready', async () => {
      expect((await json('/api/index/rebuild', post({}))).status).toBe(401);
      const started = await json('/api/index/rebuild', withKey(post({})));
      expect(started.status).toBe(202);
      const second = await json('/api/index/rebuild', withKey(post({})));
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('JOB_CONFLICT');
      const done = await waitForJob(started.body.id);
      expect(done.status).toBe('succeeded');
      expect(done.result.elementCount).toBe(60);
      expect((await json('/readyz')).status).toBe(200);
      const status = await json('/api/index');
      expect(status.body.serving).toMatchObject({ modelVersion: firstModel, elementCount: 60 });
    });

    it('answers nearest artists for an upload and for a corpus painting, with supporting paintings', async () => {
      const up = await json('/api/artists/nearest?k=3', { method: 'POST', body: imageForm('image', corpusFile(0)) });
      expect(up.status).toBe(200);
      expect(up.body.artists).toHaveLength(3);
      for (const a of up.body.artists) {
        expect(typeof a.artist).toBe('string');
        expect(a.distance).toBeGreaterThanOrEqual(0);
        expect(a.paintings.length).toBeGreaterThan(0);
        expect(a.paintings[0].thumbnailUrl).toMatch(/^\/api\/paintings\/\d+\/thumbnail$/);
      }
      // The uploaded bytes are a corpus painting: its own copy is the nearest painting.
      expect(up.body.artists[0].paintings[0].distance).toBeLessThan(1e-3);
      // A query's own upload is used once, never kept.
      expect(existsSync(join(cfg.dataDir, 'uploads')) ? readdirSync(join(cfg.dataDir, 'uploads')) : []).toEqual([]);

      const byId = await json('/api/artists/nearest?k=5', post({ paintingId: 1 }));
      expect(byId.status).toBe(200);
      const supporting = byId.body.artists.flatMap((a: any) => a.paintings.map((p: any) => p.id));
      expect(supporting).not.toContain(1);
      const excluded = await json('/api/artists/nearest?k=5&excludeOwnArtist=true', post({ paintingId: 1 }));
      const own = (await json('/api/paintings/1')).body.artist;
      expect(excluded.body.artists.map((a: any) => a.artist)).not.toContain(own);
      const testOnly = await json('/api/paintings/1/similar?k=5&split=test');
      expect(testOnly.status).toBe(200);
      for (const p of testOnly.body.paintings) expect(p.split).toBe('test');
    });

    it('verifies pairs by id, by upload and mixed, with the calibrated threshold', async () => {
      const eval_ = await json('/api/evaluations/roc');
      expect(eval_.status).toBe(200);
      expect(eval_.body.roc).toHaveLength(101);
      const same = await json('/api/verify', post({ a: 1, b: 1 }));
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({ sameArtist: true, distance: 0 });
      expect(same.body.calibration.source).toBe('evaluation');
      expect(same.body.confidence).toBeGreaterThan(0.5);

      const form = new FormData();
      form.append('a', new Blob([new Uint8Array(corpusFile(0))], { type: 'image/jpeg' }), 'a.jpg');
      form.append('b', new Blob([new Uint8Array(corpusFile(7))], { type: 'image/jpeg' }), 'b.jpg');
      const uploads = await json('/api/verify', { method: 'POST', body: form });
      expect(uploads.status).toBe(200);
      expect(typeof uploads.body.sameArtist).toBe('boolean');
      expect(uploads.body.distance).toBeGreaterThan(0);
      // The verdict, the threshold and the probability tell one story.
      expect(uploads.body.sameArtist).toBe(uploads.body.score.value <= uploads.body.threshold);
      expect(uploads.body.sameArtist).toBe(uploads.body.probabilitySameArtist >= 0.5);

      const mixed = new FormData();
      mixed.append('a', new Blob([new Uint8Array(corpusFile(0))], { type: 'image/jpeg' }), 'a.jpg');
      mixed.append('b', '1');
      const m = await json('/api/verify', { method: 'POST', body: mixed });
      expect(m.status).toBe(200);
      expect(m.body.distance).toBeGreaterThanOrEqual(0);
    });

    it('answers the same operations through GraphQL', async () => {
      const r = await gql(`query($id: ID!) {
        nearestArtists(image: { paintingId: $id }, k: 2) { artists { artist distance paintings { id } } }
        verifyPair(a: { paintingId: $id }, b: { paintingId: 2 }) { sameArtist distance threshold confidence }
        rocEvaluation { auc roc { threshold tpr fpr } }
        painting(id: $id) { id artist }
      }`, { id: '1' });
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.nearestArtists.artists).toHaveLength(2);
      expect(r.body.data.verifyPair.distance).toBeGreaterThan(0);
      expect(r.body.data.rocEvaluation.roc).toHaveLength(101);
      expect(r.body.data.painting.id).toBe('1');
      const artists = await gql('{ artists(first: 4) { items { id name paintingCount } nextCursor } }');
      expect(artists.body.data.artists.items).toHaveLength(4);
      expect(artists.body.data.artists.nextCursor).toBeTruthy();
      const denied = await gql('mutation { rebuildIndex { id } }');
      expect(denied.body.errors[0].extensions.code).toBe('API_KEY_REQUIRED');
      expect((await gql('{ nearestArtists(')).status).toBe(400);
    });

    it('browses artists and paintings with cursors and serves images and thumbnails', async () => {
      const seen = new Set<number>();
      let after: string | null = null;
      do {
        const page: { body: any } = await json(`/api/artists?limit=3${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        for (const a of page.body.items) seen.add(a.id);
        after = page.body.nextCursor;
      } while (after);
      expect(seen.size).toBe(10);
      const image = await api('/api/paintings/1/image');
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toMatch(/^image\//);
      const thumb = await api('/api/paintings/1/thumbnail');
      expect(thumb.headers.get('content-type')).toBe('image/jpeg');
      expect((await json('/api/paintings/999999')).body.error.code).toBe('PAINTING_NOT_FOUND');
      expect((await json('/api/models')).body.length).toBeGreaterThan(0);
    });

    it('lays the corpus out in 2-D for the map, every painting with its artist', async () => {
      const map = await json('/api/index/map');
      expect(map.status).toBe(200);
      expect(map.body).toMatchObject({ method: 'umap', modelVersion: firstModel, total: 60 });
      expect(map.body.points).toHaveLength(60);
      expect(new Set(map.body.points.map((p: { artist: string }) => p.artist)).size).toBe(10);
      expect((await json('/api/index/map?limit=20')).body.points).toHaveLength(20);
    });

    it('adds a painting to the live index and removes it again', async () => {
      // A new image: a corpus painting flipped is new bytes with the same artist's signature.
      const sharp = (await import('sharp')).default;
      const bytes = await sharp(corpusFile(3)).flop().jpeg().toBuffer();
      const form = imageForm('image', bytes, 'new.jpg');
      form.append('artist', 'A New Painter');
      form.append('title', 'Study');
      expect((await api('/api/paintings', { method: 'POST', body: form })).status).toBe(401);
      const added = await json('/api/paintings', withKey({ method: 'POST', body: form }));
      expect(added.status).toBe(201);
      const id = added.body.id;
      expect(added.body.split).toBe('added');
      const dup = await json('/api/paintings', withKey({ method: 'POST', body: form }));
      expect(dup.status).toBe(409);
      const similar = await json('/api/paintings/similar?k=1', { method: 'POST', body: imageForm('image', bytes) });
      expect(similar.body.paintings[0].id).toBe(id);
      expect((await json(`/api/paintings/${id}`, withKey({ method: 'DELETE' }))).status).toBe(200);
      const after = await json('/api/paintings/similar?k=1', { method: 'POST', body: imageForm('image', bytes) });
      expect(after.body.paintings[0].id).not.toBe(id);
      expect((await json(`/api/paintings/${id}`)).status).toBe(404);
    });

    it('swaps a rebuilt index in while queries keep being answered', async () => {
      const before = (await json('/api/index')).body.serving.id;
      const job = await json('/api/index/rebuild', withKey(post({})));
      expect(job.status).toBe(202);
      const statuses: number[] = [];
      let finished: any = null;
      const poll = waitForJob(job.body.id).then((j) => (finished = j));
      while (!finished) {
        statuses.push((await api('/api/artists/nearest?k=2', post({ paintingId: 2 }))).status);
      }
      await poll;
      expect(finished.status).toBe('succeeded');
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect((await json('/api/index')).body.serving.id).not.toBe(before);
    });

    it('keeps the old index serving when a rebuild is cancelled half-way (DELETE /api/jobs/:id)', async () => {
      const before = (await json('/api/index')).body.serving.id;
      const builds = (await json('/api/index/builds')).body.builds.length;
      const job = await json('/api/index/rebuild', withKey(post({})));
      // Cancelled as soon as it runs (the process-level kill is covered by the replica tests).
      for (let i = 0; i < 400 && (await json(`/api/jobs/${job.body.id}`)).body.status === 'queued'; i++) await new Promise((r) => setTimeout(r, 5));
      expect((await json(`/api/jobs/${job.body.id}`, { method: 'DELETE' })).status).toBe(401);
      const cancel = await json(`/api/jobs/${job.body.id}`, withKey({ method: 'DELETE' }));
      expect(cancel.status).toBe(202);
      const done = await waitForJob(job.body.id);
      expect(done).toMatchObject({ status: 'cancelled', error: { code: 'JOB_CANCELLED' } });
      expect((await json('/api/index')).body.serving.id).toBe(before);
      // Its partial build is failed, never activated, and its vectors are gone.
      const list = (await json('/api/index/builds')).body;
      expect(list.activeBuildId).toBe(before);
      // Cancelled before its build row was written, or with the build failed.
      expect(list.builds.length - builds).toBeLessThanOrEqual(1);
      if (list.builds.length > builds) expect(list.builds[0]).toMatchObject({ status: 'failed', active: false });
      // Cancelling again is harmless; a job that succeeded cannot be cancelled.
      expect((await json(`/api/jobs/${job.body.id}`, withKey({ method: 'DELETE' }))).body.status).toBe('cancelled');
      const succeeded = (await json('/api/jobs')).body.find((j: { status: string }) => j.status === 'succeeded');
      expect((await json(`/api/jobs/${succeeded.id}`, withKey({ method: 'DELETE' }))).body.error.code).toBe('JOB_NOT_CANCELLABLE');
      expect((await json('/api/artists/nearest', post({ paintingId: 2 }))).status).toBe(200);
    });

    it('answers bad input with a 4xx naming the problem and stays up', async () => {
      const jpeg = corpusFile(0);
      const cases: [string, RequestInit, number, string][] = [
        ['/api/artists/nearest', { method: 'POST', body: imageForm('image', Buffer.from('not an image at all')) }, 422, 'IMAGE_UNREADABLE'],
        ['/api/artists/nearest', { method: 'POST', body: imageForm('image', truncated(jpeg)) }, 422, 'IMAGE_UNREADABLE'],
        ['/api/artists/nearest', { method: 'POST', body: imageForm('image', Buffer.alloc(0)) }, 400, 'IMAGE_EMPTY'],
        ['/api/artists/nearest', { method: 'POST', body: imageForm('image', pngDeclaring(60_000, 60_000), 'bomb.png', 'image/png') }, 413, 'IMAGE_TOO_LARGE'],
        ['/api/artists/nearest', { method: 'POST', body: imageForm('image', Buffer.alloc(3 * 1024 * 1024, 1)) }, 413, 'PAYLOAD_TOO_LARGE'],
        ['/api/artists/nearest?k=0', post({ paintingId: 1 }), 400, 'INVALID_ARGUMENT'],
        ['/api/artists/nearest', post({ paintingId: 424242 }), 404, 'PAINTING_NOT_FOUND'],
        ['/api/verify', post({ a: 1, b: 'x' }), 400, 'INVALID_ARGUMENT'],
        ['/api/artists/nearest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"paintingId":' }, 400, 'BAD_REQUEST'],
        ['/api/nowhere', {}, 404, 'ROUTE_NOT_FOUND'],
      ];
      for (const [path, init, status, code] of cases) {
        const r = await json(path, init);
        expect({ path, status: r.status, code: r.body.error?.code }).toEqual({ path, status, code });
      }
      expect((await json('/healthz')).status).toBe(200);
      expect((await json('/api/index')).body.serving.elementCount).toBe(60);
    });

    it('survives a seeded fuzz run of hostile requests: no 5xx, still answering', async () => {
      const requests = await fuzzRequests(150, 20261129);
      const serverErrors: string[] = [];
      const seen = new Set<string>();
      for (const r of requests) {
        const res = await api(r.path, r.init);
        await res.arrayBuffer();
        if (res.status >= 500) serverErrors.push(`${r.label} ${r.path} → ${res.status}`);
        expect(res.status).toBeGreaterThanOrEqual(200);
        seen.add(`${r.label} ${res.status}`);
      }
      // The run reaches the decoders and the GraphQL limits, not only the first gate.
      expect([...seen]).toEqual(expect.arrayContaining(['mutated image 422', 'huge declared size 413', 'deep GraphQL 400', 'wide GraphQL 400', 'random bytes 422', 'rotating random key 401']));
      expect(serverErrors).toEqual([]);
      expect((await json('/api/artists/nearest', post({ paintingId: 2 }))).status).toBe(200);
    });
  });
}
