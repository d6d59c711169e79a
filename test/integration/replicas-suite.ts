/**
 * Two `painter serve` processes on one PostgreSQL and one shared data directory, for each vector
 * store: they answer the same nearest artists; an upload stored through one is queried through
 * the other; a painting added through one is found through the other; a rebuild started on one is
 * served by both after the swap; a rollback and retention reach both; a job cancelled through the
 * replica that does not run it ends cancelled; and SIGKILL of the replica running a rebuild leaves
 * the other serving the old build while the job is retried by the survivor (never left running),
 * with nothing lost. A replica starting meanwhile leaves the running job alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createNotifier } from '../../src/db/notifier.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import type { VectorStoreName } from '../../src/db/types.js';
import { generatePaintingDataset, type FixtureResult } from '../../src/demo/generate-paintings.js';
import { EncoderProvider } from '../../src/services/encoder-provider.js';
import { importDataset } from '../../src/services/import-service.js';
import { IndexService } from '../../src/services/index-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { VectorStores } from '../../src/vector-store/vector-stores.js';
import { trainModel } from '../../training/train-service.js';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL, urlWithSchema } from '../db/helpers.js';
import { pgvectorTestsEnabled } from '../support/pgvector.js';

const KEY = 'replica-test-key-0123';

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<unknown>;
}

/** The suite for one store (one test file per store, so the two run side by side). */
export async function replicaSuite(store: VectorStoreName): Promise<void> {
  if (!TEST_DATABASE_URL) console.warn(`Replica tests (${store}) skipped: they need PostgreSQL (TEST_DATABASE_URL; npm test starts one).`);
  const enabled = TEST_DATABASE_URL !== undefined && (store !== 'pgvector' || (await pgvectorTestsEnabled('pgvector replica tests')));
  describe.runIf(enabled)(`two replicas on one PostgreSQL, ${store} store`, () => {
    let dir: string;
    let schema: string;
    let env: NodeJS.ProcessEnv;
    let fixture: FixtureResult;
    const replicas: Replica[] = [];
    let a: Replica;
    let b: Replica;

    const json = async (r: Replica, path: string, init?: RequestInit) => {
      const res = await fetch(r.url + path, init);
      return { status: res.status, body: (await res.json()) as any };
    };
    const post = (body: unknown, key = false): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': KEY } : {}) },
      body: JSON.stringify(body),
    });
    const upload = (bytes: Buffer, fields: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'p.jpg');
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return form;
    };
    const corpusFile = (i: number) => readFileSync(join(fixture.root, fixture.paintings[i].relPath));
    async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = await probe();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${replicas.map((r) => `--- ${r.name}\n${r.log().slice(-3000)}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    /** Whether a build's files (hnswlib) or table (pgvector) are still there. */
    const vectorsExist = async (id: number) => {
      if (store === 'hnswlib') return existsSync(join(env.PAINTER_DATA_DIR!, 'indexes', String(id)));
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        return (await client.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [`${schema}_vectors`, `build_${id}`])).rowCount === 1;
      } finally {
        await client.end();
      }
    };
    const servingId = async (r: Replica) => (await json(r, '/api/index')).body.serving?.id as number | undefined;
    const finished = (r: Replica, id: string) =>
      until(`job ${id} to end`, async () => {
        const j = (await json(r, `/api/jobs/${id}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : null;
      }, 120_000);

    function startReplica(name: string): Promise<Replica> {
      const child = spawn(process.execPath, ['bin/painter.js', 'serve', '--no-demo'], { env: { ...env, PAINTER_REPLICA_ID: name }, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      return new Promise<Replica>((resolve, reject) => {
        child.stderr!.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(log);
          if (m) {
            const r = { name, url: m[1], child, log: () => log, exited };
            replicas.push(r);
            resolve(r);
          }
        });
        child.on('exit', () => reject(new Error(`${name} exited before listening:\n${log}`)));
      });
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `painter-replicas-${store}-`));
      schema = freshSchemaName();
      env = {
        ...process.env,
        DATABASE_URL: urlWithSchema(TEST_DATABASE_URL!, schema),
        PAINTER_DATA_DIR: join(dir, 'data'),
        PAINTER_VECTOR_STORE: store,
        PAINTER_BACKEND: 'wasm',
        PAINTER_API_KEYS: KEY,
        PAINTER_INDEX_POLL_SECONDS: '0.3',
        PAINTER_JOB_LEASE_SECONDS: '1.5',
        PAINTER_INFERENCE_SESSIONS: '1',
        PAINTER_DECODE_WORKERS: '1',
        PAINTER_RATE_LIMIT_PER_MINUTE: '0',
        PORT: '0',
      };
      const cfg = loadConfig(env);
      await initBackend('wasm');
      fixture = await generatePaintingDataset(join(dir, 'corpus'), { artists: 16, perArtist: 8, size: 40, layout: 'labels-csv', seed: 5 });
      const db = await openDatabase(cfg);
      const repos = createRepositories(db);
      const notifier = await createNotifier(db);
      const encoders = new EncoderProvider(cfg);
      try {
        await importDataset(repos.datasets, fixture.root);
        await trainModel(cfg, repos, { overrides: { preset: 'small', imageSize: 32, epochs: 1, stepsPerEpoch: 2, batchSize: 24, seed: 1 }, backend: 'wasm' });
        const stores = new VectorStores(cfg, db, repos);
        await stores.ensureReady();
        const service = new IndexService(cfg, repos, new LiveIndex(), encoders, stores, notifier);
        await service.publish(await service.build(), { load: false });
      } finally {
        await encoders.close();
        await notifier.close();
        await db.close();
      }
      [a, b] = await Promise.all([startReplica('replica-a'), startReplica('replica-b')]);
    });

    afterAll(async () => {
      for (const r of replicas) {
        if (r.child.exitCode === null && r.child.signalCode === null) {
          r.child.kill('SIGTERM');
          await r.exited;
        }
      }
      if (schema) await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('answer the same nearest artists, for a corpus painting and for an upload', async () => {
      expect(await servingId(a)).toBe(await servingId(b));
      expect((await json(a, '/api/index')).body.serving.store).toBe(store);
      for (const body of [{ paintingId: 3 }, { paintingId: 40 }]) {
        const [ra, rb] = await Promise.all([json(a, '/api/artists/nearest?k=5', post(body)), json(b, '/api/artists/nearest?k=5', post(body))]);
        expect(ra.status).toBe(200);
        expect(rb.body.artists.map((x: any) => x.artistId)).toEqual(ra.body.artists.map((x: any) => x.artistId));
        rb.body.artists.forEach((x: any, i: number) => expect(x.distance).toBeCloseTo(ra.body.artists[i].distance, 6));
      }
      const bytes = corpusFile(7);
      const [ua, ub] = await Promise.all([
        json(a, '/api/artists/nearest?k=3&split=train,validation', { method: 'POST', body: upload(bytes) }),
        json(b, '/api/artists/nearest?k=3&split=train,validation', { method: 'POST', body: upload(bytes) }),
      ]);
      expect(ub.body.artists.map((x: any) => x.artistId)).toEqual(ua.body.artists.map((x: any) => x.artistId));
    });

    it('query through one an upload stored through the other', async () => {
      const stored = await json(a, '/api/uploads', { method: 'POST', body: upload(corpusFile(11)) });
      expect(stored.status).toBe(201);
      const viaB = await json(b, '/api/paintings/similar?k=1', post({ uploadId: stored.body.id }));
      expect(viaB.status).toBe(200);
      expect(viaB.body.paintings[0].distance).toBeLessThan(1e-2);
      const gql = await json(b, '/graphql', post({ query: `{ similarPaintings(image: {uploadId: "${stored.body.id}"}, k: 1) { paintings { id } } }` }));
      expect(gql.body.data.similarPaintings.paintings[0].id).toBe(String(viaB.body.paintings[0].id));
    });

    it('see a painting added through one and removed through the other', async () => {
      const sharp = (await import('sharp')).default;
      const bytes = await sharp(corpusFile(20)).flop().jpeg().toBuffer();
      const added = await json(a, '/api/paintings', { method: 'POST', body: upload(bytes, { artist: 'Replica Painter' }), headers: { 'x-api-key': KEY } });
      expect(added.status).toBe(201);
      const found = await until('the addition on replica b', async () => {
        const r = await json(b, '/api/paintings/similar?k=1', { method: 'POST', body: upload(bytes) });
        return r.body.paintings?.[0]?.id === added.body.id && r;
      });
      expect(found.body.paintings[0].distance).toBeLessThan(1e-2);
      expect((await json(b, `/api/paintings/${added.body.id}`, { method: 'DELETE', headers: { 'x-api-key': KEY } })).status).toBe(200);
      await until('the removal on replica a', async () => {
        const r = await json(a, '/api/paintings/similar?k=1', { method: 'POST', body: upload(bytes) });
        return r.status === 200 && r.body.paintings[0].id !== added.body.id;
      });
      const [sa, sb] = await Promise.all([json(a, '/api/index'), json(b, '/api/index')]);
      expect(sa.body.serving.elementCount).toBe(fixture.paintings.length);
      expect(sb.body.serving.elementCount).toBe(fixture.paintings.length);
    });

    it('both serve a rebuild started on one after the swap; a rollback and retention reach both', async () => {
      const before = (await servingId(a))!;
      const job = await json(a, '/api/index/rebuild', post({}, true));
      expect(job.status).toBe(202);
      // Refused through the other replica while it runs: one active job per kind across replicas.
      expect((await json(b, '/api/index/rebuild', post({}, true))).body.error?.code).toBe('JOB_CONFLICT');
      const done = await finished(a, job.body.id);
      expect(done).toMatchObject({ status: 'succeeded', result: { activated: true } });
      const rebuilt = done.result.indexId as number;
      expect(rebuilt).not.toBe(before);
      await until('both replicas on the new build', async () => (await servingId(a)) === rebuilt && (await servingId(b)) === rebuilt);

      // Roll back through b: both serve the old build, pinned.
      const rolled = await json(b, `/api/index/builds/${before}/activate`, post({}, true));
      expect(rolled.body).toMatchObject({ activeBuildId: before, pinned: true });
      await until('both replicas back on the old build', async () => (await servingId(a)) === before && (await servingId(b)) === before);
      expect((await json(a, '/api/artists/nearest', post({ paintingId: 3 }))).body.query.indexId).toBe(before);

      // Keep one complete build: the newest stays, and so does the active (pinned) one.
      const kept = await json(a, '/api/index/retention', { ...post({ keep: 1 }, true), method: 'PUT' });
      expect(kept.body.builds.map((x: any) => x.id)).toEqual([rebuilt, before]);

      // Forward again, unpinned; now keeping one deletes the old build, its files or table too.
      const forward = await json(a, `/api/index/builds/${rebuilt}/activate`, post({ pin: false }, true));
      expect(forward.body).toMatchObject({ activeBuildId: rebuilt, pinned: false });
      await until('both replicas on the rebuilt build again', async () => (await servingId(a)) === rebuilt && (await servingId(b)) === rebuilt);
      const pruned = await json(b, '/api/index/retention', { ...post({ keep: 1 }, true), method: 'PUT' });
      expect(pruned.body.builds.map((x: any) => x.id)).toEqual([rebuilt]);
      expect((await json(a, `/api/index/builds/${before}/activate`, post({}, true))).body.error.code).toBe('INDEX_BUILD_NOT_FOUND');
      expect(await vectorsExist(before)).toBe(false);
      expect(await vectorsExist(rebuilt)).toBe(true);
      await json(a, '/api/index/retention', { ...post({ keep: 3 }, true), method: 'PUT' });
      expect((await json(a, '/api/index/pin', { method: 'DELETE', headers: { 'x-api-key': KEY } })).body.pinned).toBe(false);
    });

    it('cancel a job through the replica that does not run it', async () => {
      const active = (await servingId(a))!;
      const job = await json(b, '/api/index/rebuild', post({}, true));
      const running = await until('the job to be claimed', async () => {
        const j = (await json(a, `/api/jobs/${job.body.id}`)).body;
        return j.status === 'running' && j;
      });
      const other = running.owner === 'replica-a' ? b : a;
      const cancel = await json(other, `/api/jobs/${job.body.id}`, { method: 'DELETE', headers: { 'x-api-key': KEY } });
      expect(cancel.status).toBe(202);
      const done = await finished(other, job.body.id);
      expect(done).toMatchObject({ status: 'cancelled', error: { code: 'JOB_CANCELLED' } });
      expect(await servingId(a)).toBe(active);
      expect(await servingId(b)).toBe(active);
      const builds = (await json(a, '/api/index/builds')).body;
      expect(builds.activeBuildId).toBe(active);
      expect(builds.builds.filter((x: any) => x.status === 'building')).toEqual([]);
    });

    it('survive SIGKILL of the replica running a rebuild: the other serves the old build, the job is retried, nothing is lost', async () => {
      const active = (await servingId(a))!;
      const corpus = fixture.paintings.length;
      const job = await json(a, '/api/index/rebuild', post({}, true));
      // Killed while it builds: its build row exists and is 'building'.
      const running = await until('the rebuild to be under way', async () => {
        const j = (await json(a, `/api/jobs/${job.body.id}`)).body;
        const building = (await json(a, '/api/index/builds')).body.builds.some((x: any) => x.status === 'building');
        return j.status === 'running' && building && j;
      });
      const victim = running.owner === 'replica-a' ? a : b;
      const survivor = victim === a ? b : a;
      victim.child.kill('SIGKILL');
      await victim.exited;

      // The survivor keeps answering from the old build meanwhile.
      const during = await json(survivor, '/api/artists/nearest?k=3', post({ paintingId: 5 }));
      expect(during.status).toBe(200);

      // A replica starting now leaves a job whose lease is alive alone (it is the survivor's or queued again).
      const restarted = await startReplica(`${victim.name}-restarted`);
      const done = await finished(survivor, job.body.id);
      expect(['succeeded', 'failed']).toContain(done.status);
      if (done.status === 'succeeded') {
        expect(done.attempts).toBe(2);
        expect(done.owner).not.toBe(victim.name);
      } else {
        expect(done.error.code).toBe('JOB_LEASE_EXPIRED');
      }
      const builds = await until('no build left building', async () => {
        const list = (await json(survivor, '/api/index/builds')).body;
        return !list.builds.some((x: any) => x.status === 'building') && list;
      });
      // The killed attempt's build failed; the build that served before is still there, complete.
      expect(builds.builds.some((x: any) => x.status === 'failed')).toBe(true);
      expect(builds.builds.find((x: any) => x.id === active)).toMatchObject({ status: 'complete' });
      const jobs = (await json(survivor, '/api/jobs')).body;
      expect(jobs.filter((j: any) => j.status === 'running' || j.status === 'queued')).toEqual([]);

      const target = builds.activeBuildId as number;
      await until('both replicas on the active build', async () => (await servingId(survivor)) === target && (await servingId(restarted)) === target);
      for (const r of [survivor, restarted]) {
        const s = (await json(r, '/api/index')).body.serving;
        expect(s.elementCount).toBe(corpus);
        expect((await json(r, '/api/artists/nearest', post({ paintingId: 5 }))).status).toBe(200);
      }
      expect((await json(restarted, '/api/paintings?limit=200')).body.items.length).toBe(corpus);
    });
  });
}
