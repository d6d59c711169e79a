/**
 * Many paintings at once, end to end on a generated corpus: the Kaggle workflow (train_info.csv
 * imported, a small encoder trained and evaluated, a test folder and submission_info.csv scored
 * into a submission, checked against labels, resumed from the embedding cache), bad pair CSVs,
 * `painter embed` to .npy, an unlabelled folder indexed and searched, batch queries over REST and
 * GraphQL with good and bad items, and the open-set verdict for an artist left out of the index.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset, type FixtureResult } from '../../src/demo/generate-paintings.js';
import { isPainterError } from '../../src/errors.js';
import { embedFolder } from '../../src/services/embed-service.js';
import type { ServingIndex } from '../../src/services/live-index.js';
import { evaluate, type EvaluateReport } from '../../src/services/evaluation-service.js';
import { importDataset, importUnlabelled } from '../../src/services/import-service.js';
import { scorePairs } from '../../src/services/score-service.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { trainModel } from '../../training/train-service.js';
import { kaggleTestFolder, type KaggleTestFolder } from '../support/kaggle-fixture.js';
import { apiBatch } from '../../src/shapes/batch.js';

const run = promisify(execFile);
const KEY = 'test-key-0123456789';
const silent = { info: () => undefined, warn: () => undefined };
const CORPUS = { artists: 20, perArtist: 8, size: 48, seed: 5, styles: 3 } as const;

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return isPainterError(e) ? { code: e.code, message: e.message } : { code: 'OTHER', message: String(e) };
  }
  return null;
};

describe('many paintings at once', () => {
  let dir: string;
  let cfg: Config;
  let fixture: FixtureResult;
  let kaggle: KaggleTestFolder;
  let server: RunningServer;
  let repos: Repositories;
  let evaluation: EvaluateReport;
  let modelVersion: number;
  let closed = false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'painter-many-'));
    cfg = loadConfig({}, { dataDir: join(dir, 'data'), port: 0, adminKeys: [KEY], maxUploadBytes: 2 * 1024 * 1024, rateLimitPerMinute: 0 });
    await initBackend('wasm');
    fixture = await generatePaintingDataset(join(dir, 'kaggle'), { ...CORPUS, layout: 'kaggle-train-info' });
    // New paintings of six corpus artists and of two it never had, as Kaggle's test folder.
    kaggle = await kaggleTestFolder(join(dir, 'kaggle'), { artists: [0, 1, 2, 3, 4, 5, 30, 31], perArtist: 4, size: CORPUS.size, seed: CORPUS.seed, styles: CORPUS.styles });
    const db = await openDatabase(cfg);
    const r = createRepositories(db);
    try {
      // Half the artists held out: the open-set protocol needs several of them.
      await importDataset(r.datasets, fixture.root, { testFraction: 0.4 });
      const trained = await trainModel(cfg, r, {
        overrides: { preset: 'small', imageSize: 32, epochs: 3, stepsPerEpoch: 8, batchSize: 32, lr: 3e-3, seed: 1 },
        backend: 'wasm',
      });
      modelVersion = trained.version;
      evaluation = await evaluate(cfg, r, { model: trained.version, split: 'test' });
    } finally {
      await db.close();
    }
    server = await startServer(cfg, { demo: false, host: '127.0.0.1', log: silent });
    repos = createRepositories(server.db);
  }, 600_000);

  afterAll(async () => {
    if (!closed) await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('evaluation against the corpus', () => {
    it('stores CSLS, nearest-artist and open-set figures, and the cohort with the model', async () => {
      expect(evaluation.csls).toBeDefined();
      expect(evaluation.csls!.auc).toBeGreaterThan(0.5);
      expect(evaluation.csls!.sweep.map((s) => s.variant)).toEqual(expect.arrayContaining(['mean', 'ratio']));
      expect(evaluation.ranking!.raw.top5).toBeGreaterThanOrEqual(evaluation.ranking!.raw.top1);
      const o = evaluation.openSet!;
      expect(o.scores.map((s) => s.score)).toEqual(expect.arrayContaining(['best-artist-distance', 'nearest-painting-distance', 'best-second-ratio', 'best-artist-share-of-10', 'csls-best-artist-distance', 'learned']));
      for (const s of o.scores) expect(s.auroc).toBeGreaterThanOrEqual(0);
      expect(o.rule.features.length).toBeGreaterThan(0);
      expect(o.reliability.bins).toHaveLength(10);
      // The narrower question (is the best-ranked artist the painter?), at the queries' own mix.
      expect(o.bestArtist).not.toBeNull();
      expect(o.bestArtist!.base).toBeGreaterThan(0);
      expect(o.bestArtist!.base).toBeLessThan(1);
      expect(o.bestArtist!.reliability.bins).toHaveLength(10);
      expect(o.rule.bestArtist?.features.length).toBeGreaterThan(0);
      const model = (await repos.models.get(modelVersion))!;
      expect(existsSync(join(model.dir, 'cohort.json'))).toBe(true);
    });

    it('calibrates the server from the test-split evaluation, or from a chosen one', async () => {
      const info = (await server.core.models.get(modelVersion)).calibration;
      expect(info).toMatchObject({ selection: 'test-split', evaluationId: evaluation.evaluationId, split: 'test', openSet: true });
      // An evaluation of some other folder does not take over by being newer...
      const other = await evaluate(cfg, repos, { model: modelVersion, datasetPath: fixture.root, neighbourhood: false });
      server.core.queries.invalidateCalibration();
      expect((await server.core.models.get(modelVersion)).calibration.evaluationId).toBe(evaluation.evaluationId);
      // ...unless it is chosen.
      const chosen = await server.core.models.chooseCalibration(modelVersion, other.evaluationId);
      expect(chosen.calibration).toMatchObject({ selection: 'chosen', evaluationId: other.evaluationId, datasetPath: fixture.root });
      const back = await server.core.models.chooseCalibration(modelVersion, null);
      expect(back.calibration).toMatchObject({ selection: 'test-split', evaluationId: evaluation.evaluationId });
    });
  });

  describe('painter score', () => {
    it('writes one calibrated probability per pair, in order, and checks it against labels', async () => {
      const out = join(dir, 'submission.csv');
      const r = await scorePairs(cfg, repos, { pairsPath: kaggle.pairsCsv, imagesDir: kaggle.images, out, labels: kaggle.labelsCsv });
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('index,sameArtist');
      expect(lines).toHaveLength(kaggle.pairs.length + 1);
      lines.slice(1).forEach((line, i) => {
        const [index, p] = line.split(',');
        expect(Number(index)).toBe(kaggle.pairs[i].index);
        expect(Number(p)).toBeGreaterThanOrEqual(0);
        expect(Number(p)).toBeLessThanOrEqual(1);
      });
      expect(r).toMatchObject({ pairs: kaggle.pairs.length, images: { distinct: kaggle.artistOf.size, failed: 0 }, fallbackPairs: 0, skippedFile: null });
      expect(r.auc!.positives + r.auc!.negatives).toBe(kaggle.pairs.length);
      expect(r.auc!.value).toBeGreaterThan(0.6);
    });

    it('resumes from its embedding cache: a second run embeds nothing and writes the same file', async () => {
      const first = readFileSync(join(dir, 'submission.csv'), 'utf8');
      const out = join(dir, 'again.csv');
      const r = await scorePairs(cfg, repos, { pairsPath: kaggle.pairsCsv, imagesDir: kaggle.images, out });
      expect(r.images).toMatchObject({ embedded: 0, fromCache: kaggle.artistOf.size });
      expect(readFileSync(out, 'utf8')).toBe(first);
    });

    it('lists missing and unreadable images and gives their pairs the stated fallback', async () => {
      writeFileSync(join(kaggle.images, 'broken.jpg'), 'not an image');
      const csv = join(dir, 'with-missing.csv');
      writeFileSync(csv, 'index,image1,image2\n0,1000.jpg,1001.jpg\n1,1000.jpg,missing.jpg\n2,broken.jpg,1002.jpg\n3,../outside.jpg,1001.jpg\n');
      const out = join(dir, 'with-missing-out.csv');
      const r = await scorePairs(cfg, repos, { pairsPath: csv, imagesDir: kaggle.images, out, fallback: 0.25 });
      expect(r.fallbackPairs).toBe(3);
      expect(r.skipped.map((s) => s.image).sort()).toEqual(['../outside.jpg', 'broken.jpg', 'missing.jpg']);
      expect(r.skipped.find((s) => s.image === 'missing.jpg')!.reason).toMatch(/not found/);
      expect(readFileSync(out, 'utf8').trimEnd().split('\n').slice(2)).toEqual(['1,0.250000', '2,0.250000', '3,0.250000']);
      expect(readFileSync(r.skippedFile!, 'utf8')).toContain('missing.jpg,file not found,1');
    });

    it('reads img1,img2 columns without an index, numbering pairs by row', async () => {
      const csv = join(dir, 'img-columns.csv');
      writeFileSync(csv, 'img1,img2\n1000.jpg,1001.jpg\n1002.jpg,1003.jpg\n');
      const out = join(dir, 'img-columns-out.csv');
      const r = await scorePairs(cfg, repos, { pairsPath: csv, imagesDir: kaggle.images, out });
      expect(r.columns).toEqual({ index: null, a: 'img1', b: 'img2' });
      expect(readFileSync(out, 'utf8').split('\n').slice(1, 3).map((l) => l.split(',')[0])).toEqual(['0', '1']);
    });

    it('refuses a CSV without image columns, with a repeated index, a short row or no pairs, naming the problem', async () => {
      const cases: [string, RegExp][] = [
        ['index,left,right\n0,1000,1001\n', /Cannot tell which columns hold the two images/],
        ['index,image1,image2\n0,1000.jpg,1001.jpg\n1,1000.jpg,1002.jpg\n0,1001.jpg,1002.jpg\n', /Line 4 .* repeats the index 0/],
        ['index,image1,image2\n0,1000.jpg\n', /Line 2 .* has 2 fields/],
        ['index,image1,image2\n', /no pairs/],
        ['', /empty/],
      ];
      for (const [text, message] of cases) {
        const csv = join(dir, 'bad.csv');
        writeFileSync(csv, text);
        const e = await codeOf(scorePairs(cfg, repos, { pairsPath: csv, imagesDir: kaggle.images, out: join(dir, 'bad-out.csv') }));
        expect(e?.code).toBe('PAIRS_CSV_INVALID');
        expect(e?.message).toMatch(message);
      }
      expect(existsSync(join(dir, 'bad-out.csv'))).toBe(false);
    });
  });

  describe('painter embed', () => {
    it('writes an .npy matrix numpy reads and a JSON index of the files and the model', async () => {
      const r = await embedFolder(cfg, repos, { dir: kaggle.images, out: join(dir, 'test-embeddings') });
      const index = JSON.parse(readFileSync(r.index, 'utf8'));
      expect(index).toMatchObject({ format: 'painter-embeddings/1', dtype: 'float32', shape: [kaggle.artistOf.size, r.dim], model: { version: modelVersion } });
      expect(index.files).toHaveLength(kaggle.artistOf.size);
      expect(index.failed).toEqual([{ file: 'broken.jpg', reason: expect.any(String) }]);
      const npy = readFileSync(r.npy);
      expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
      const headerLength = npy.readUInt16LE(8);
      expect((10 + headerLength) % 64).toBe(0);
      expect(npy.toString('latin1', 10, 10 + headerLength)).toContain(`'shape': (${kaggle.artistOf.size}, ${r.dim})`);
      const rows = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + headerLength, npy.byteOffset + npy.length));
      expect(rows.length).toBe(kaggle.artistOf.size * r.dim);
      // Every embedding lies on the sphere of radius 5.
      const norm = Math.hypot(...rows.subarray(0, r.dim));
      expect(norm).toBeCloseTo(5, 3);
    });
  });

  describe('unlabelled paintings and batch queries', () => {
    /** The served build's paintings with their catalog artist and split. */
    const indexedPaintings = async (serving: ServingIndex) => {
      const ids = new Set(await serving.index.ids());
      return new Map((await repos.catalog.corpus()).filter((p) => ids.has(p.id)).map((p) => [p.id, { artistId: p.artistId, split: p.split }]));
    };
    let base: string;
    const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = async (path: string, init?: RequestInit) => {
      const res = await fetch(base + path, init);
      return { status: res.status, body: (await res.json()) as any };
    };
    const image = (file: string) => new Blob([new Uint8Array(readFileSync(join(kaggle.images, file)))], { type: 'image/jpeg' });

    beforeAll(async () => {
      base = server.url;
      const imported = await importUnlabelled(repos.datasets, kaggle.images);
      expect(imported).toMatchObject({ layout: 'unlabelled-folder', paintings: kaggle.artistOf.size });
      expect(imported.skipped.map((s) => s.relPath)).toEqual(['broken.jpg']);
      const build = await server.core.indexes.build({ modelVersion });
      await server.core.indexes.swapIn(build);
    }, 300_000);

    it('indexes an unlabelled folder: searched and compared, never counted as an artist', async () => {
      const serving = server.core.live.require();
      const indexed = await indexedPaintings(serving);
      const unlabelled = [...indexed].filter(([, p]) => p.artistId === null).map(([id]) => id);
      expect(unlabelled).toHaveLength(kaggle.artistOf.size);
      expect(serving.norms).not.toBeNull();
      // Every painting's cohort radius is stored with the build, the unlabelled ones' too; the
      // artists' spreads are in the build's row, and unlabelled paintings are no artist there either.
      expect((await serving.index.get(unlabelled[0]))?.radius).toBeGreaterThan(0);
      const norms = (await repos.builds.get(serving.buildId))!.norms!;
      expect(norms.cohortSha256).toBe(serving.norms!.cohortSha256);
      const artists = new Set([...indexed.values()].map((p) => p.artistId).filter((a) => a !== null).map(String));
      expect(Object.keys(norms.spreads).length).toBeGreaterThan(0);
      expect(Object.keys(norms.spreads).every((a) => artists.has(a))).toBe(true);
      expect(norms.pooledSpreadStd).toBeGreaterThan(0);
      const nearest = await json('/api/artists/nearest?k=5', post({ paintingId: unlabelled[0] }));
      expect(nearest.status).toBe(200);
      expect(nearest.body.artists.length).toBeGreaterThan(0);
      for (const a of nearest.body.artists) {
        expect(a.artistId).not.toBeNull();
        for (const p of a.paintings) expect(p.artistId).not.toBeNull();
      }
      const similar = await json(`/api/paintings/${unlabelled[0]}/similar?k=10`);
      expect(similar.body.paintings.some((p: { artistId: number | null }) => p.artistId === null)).toBe(true);
      const verify = await json('/api/verify', post({ a: unlabelled[0], b: unlabelled[1] }));
      expect(verify.status).toBe(200);
      expect(verify.body.probabilitySameArtist).toBeGreaterThanOrEqual(0);
      // Re-importing the unchanged folder changes nothing; training still sees only labelled paintings.
      const again = await importUnlabelled(repos.datasets, kaggle.images);
      expect(again.changes).toMatchObject({ added: 0, removed: 0, unchanged: kaggle.artistOf.size });
      expect((await repos.datasets.latest())!.layout).toBe('kaggle-train-info');
    });

    it('adds a painting without an artist through the API', async () => {
      const form = new FormData();
      form.append('image', image('1003.jpg'), 'anonymous.jpg');
      form.append('title', 'Anonymous');
      // The same bytes as an imported unlabelled painting, but in another dataset: allowed.
      const res = await fetch(base + '/api/paintings', { method: 'POST', headers: { 'x-api-key': KEY }, body: form });
      const body = (await res.json()) as any;
      expect(res.status).toBe(201);
      expect(body).toMatchObject({ artistId: null, artist: null, split: 'added', title: 'Anonymous' });
      const stored = await server.core.live.require().index.get(body.id);
      expect(stored).not.toBeNull();
      expect(stored!.artistId).toBeNull();
    });

    it('answers many uploads in one nearest-artists call, a bad file with its own error', async () => {
      const form = new FormData();
      form.append('images', image('1000.jpg'), '1000.jpg');
      form.append('images', new Blob([new Uint8Array(Buffer.from('not an image'))], { type: 'image/jpeg' }), 'text.jpg');
      form.append('images', image('1005.jpg'), '1005.jpg');
      form.append('images', new Blob([]), 'empty.jpg');
      const r = await json('/api/artists/nearest/batch?k=3', { method: 'POST', body: form });
      expect(r.status).toBe(200);
      apiBatch.nearestArtists.parse(r.body);
      expect(r.body.items.map((i: any) => i.index)).toEqual([0, 1, 2, 3]);
      expect(r.body.items.map((i: any) => i.error?.code ?? 'ok')).toEqual(['ok', 'IMAGE_UNREADABLE', 'ok', 'IMAGE_EMPTY']);
      expect(r.body).toMatchObject({ succeeded: 2, failed: 2 });
      // The same upload answered alone gives the same artists.
      const single = new FormData();
      single.append('image', image('1000.jpg'), '1000.jpg');
      const alone = await json('/api/artists/nearest?k=3', { method: 'POST', body: single });
      expect(r.body.items[0].result.artists.map((a: any) => a.artistId)).toEqual(alone.body.artists.map((a: any) => a.artistId));
    });

    it('answers JSON image batches and similar-painting batches, an unknown id with its own error', async () => {
      const r = await json('/api/paintings/similar/batch?k=4', post({ images: [{ paintingId: 1 }, { paintingId: 999999 }, { paintingId: 'x' }, { uploadId: 'missing-upload' }] }));
      expect(r.status).toBe(200);
      expect(r.body.items.map((i: any) => i.error?.code ?? 'ok')).toEqual(['ok', 'PAINTING_NOT_FOUND', 'INVALID_ARGUMENT', 'UPLOAD_NOT_FOUND']);
      expect(r.body.items[0].result.paintings).toHaveLength(4);
    });

    it('verifies many id pairs in one call, in order, a bad pair answered with its error', async () => {
      const r = await json('/api/verify/batch', post({ pairs: [{ a: 1, b: 2 }, { a: 1, b: 999999 }, { a: 3, b: { paintingId: 4 } }, { a: 'abc', b: 1 }, {}] }));
      expect(r.status).toBe(200);
      apiBatch.verify.parse(r.body);
      expect(r.body.items.map((i: any) => i.error?.code ?? 'ok')).toEqual(['ok', 'PAINTING_NOT_FOUND', 'ok', 'INVALID_ARGUMENT', 'IMAGE_MISSING']);
      const single = await json('/api/verify', post({ a: 1, b: 2 }));
      expect(r.body.items[0].result).toEqual(single.body);
    });

    it('refuses batches over the item and byte limits with 413 BATCH_TOO_LARGE', async () => {
      const tooMany = await json('/api/verify/batch', post({ pairs: Array.from({ length: cfg.batchLimits.pairs + 1 }, () => ({ a: 1, b: 2 })) }));
      expect(tooMany).toMatchObject({ status: 413, body: { error: { code: 'BATCH_TOO_LARGE', details: { max: cfg.batchLimits.pairs } } } });
      const images = await json('/api/artists/nearest/batch', post({ images: Array.from({ length: cfg.batchLimits.images + 1 }, () => ({ paintingId: 1 })) }));
      expect(images.body.error.code).toBe('BATCH_TOO_LARGE');
      const form = new FormData();
      for (let i = 0; i <= cfg.batchLimits.images; i++) form.append('images', image('1000.jpg'), `${i}.jpg`);
      const files = await json('/api/artists/nearest/batch', { method: 'POST', body: form });
      expect(files).toMatchObject({ status: 413, body: { error: { code: 'BATCH_TOO_LARGE' } } });
      const empty = await json('/api/verify/batch', post({ pairs: [] }));
      expect(empty.status).toBe(400);
    });

    it('answers the batch operations over GraphQL, per item', async () => {
      const query = `{
        verifyPairs(pairs: [{ a: { paintingId: 1 }, b: { paintingId: 2 } }, { a: { paintingId: 1 }, b: { paintingId: 999999 } }]) {
          succeeded failed items { index result { sameArtist score { kind value } } error { code } } }
        nearestArtistsBatch(images: [{ paintingId: 3 }, { uploadId: "gone" }], k: 2) {
          items { index result { ranking openSet { verdict probabilityIndexed probabilityBestArtist } artists { artistId } } error { code } } }
      }`;
      const r = await json('/graphql', post({ query }));
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.verifyPairs.items.map((i: any) => i.error?.code ?? 'ok')).toEqual(['ok', 'PAINTING_NOT_FOUND']);
      expect(r.body.data.nearestArtistsBatch.items[0].result.artists).toHaveLength(2);
      expect(r.body.data.nearestArtistsBatch.items[1].error.code).toBe('UPLOAD_NOT_FOUND');
    });

    it('says "no indexed artist" more for an artist left out of the index than for indexed ones', async () => {
      const serving = server.core.live.require();
      const gallery = await indexedPaintings(serving);
      const testArtists = [...new Set([...gallery.values()].filter((p) => p.split === 'test').map((p) => p.artistId!))];
      const [left, ...known] = testArtists;
      const leftOut = [...gallery].filter(([, p]) => p.artistId === left).map(([id]) => id);
      const files = await repos.catalog.getPaintings(leftOut);
      for (const id of leftOut) await server.core.indexes.removePainting(id);
      const probability = async (q: { kind: 'upload'; bytes: Buffer } | { kind: 'painting'; paintingId: number }) => {
        const r = await server.core.queries.nearestArtists(q);
        expect(r.openSet).not.toBeNull();
        expect(['indexed-artist', 'no-indexed-artist', 'uncertain']).toContain(r.openSet!.verdict);
        return r.openSet!.probabilityIndexed;
      };
      const unknown: number[] = [];
      for (const id of leftOut) unknown.push(await probability({ kind: 'upload', bytes: readFileSync(files.get(id)!.filePath) }));
      const indexed: number[] = [];
      for (const [id, p] of gallery) if (known.includes(p.artistId!)) indexed.push(await probability({ kind: 'painting', paintingId: id }));
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      expect(mean(unknown)).toBeLessThan(mean(indexed));
    });
  });

  describe('the command line', () => {
    it('runs painter score with progress on stderr and a JSON report', async () => {
      await server.close();
      closed = true;
      const env = { ...process.env, PAINTER_DATA_DIR: cfg.dataDir, PAINTER_BACKEND: 'wasm' };
      const bin = join(process.cwd(), 'bin/painter.js');
      const out = join(dir, 'cli-submission.csv');
      const score = await run(process.execPath, [bin, 'score', kaggle.pairsCsv, '--images', kaggle.images, '--out', out, '--json'], { env, maxBuffer: 1 << 26 });
      const report = JSON.parse(score.stdout);
      expect(report).toMatchObject({ pairs: kaggle.pairs.length, images: { fromCache: kaggle.artistOf.size } });
      expect(score.stderr).toMatch(/read pairs/);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'submission.csv'), 'utf8'));
    }, 300_000);
  });
});
