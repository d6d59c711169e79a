/** Every GraphQL query reaches the same services as REST, with validated arguments. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { artist, embeddingMap, indexStatus, job, model, nearest, painting, roc, startTestServer, verification, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

/** A query that must succeed: its data. */
async function data(query: string, variables?: object) {
  const r = await t.gql(query, variables);
  expect(r.body.errors).toBeUndefined();
  expect(r.status).toBe(200);
  return r.body.data;
}

describe('similarity', () => {
  it('nearestArtists by painting id with k, neighbours and filters', async () => {
    const d = await data(`{
      nearestArtists(image: { paintingId: 7 }, k: 3, neighbours: 50, filter: { splits: ["test"], style: "Cubism", excludeOwnArtist: true }) {
        artists { artistId artist distance score paintings { id distance thumbnailUrl } }
        query { paintingId modelVersion indexId tookMs }
      }
    }`);
    expect(d.nearestArtists.artists).toEqual([
      { artistId: '3', artist: 'Vincent van Gogh', distance: 0.42, score: 0.8, paintings: [{ id: '7', distance: 0.4, thumbnailUrl: painting.thumbnailUrl }] },
    ]);
    expect(d.nearestArtists.query).toEqual({ ...nearest.query });
    expect(t.services.query.nearestArtists).toHaveBeenCalledWith(
      { kind: 'painting', paintingId: 7 },
      { k: 3, neighbours: 50, filters: { splits: ['test'], style: 'Cubism', excludeOwnArtist: true } },
    );
  });

  it('nearestArtists by upload id, with the default k', async () => {
    await data('query($u: ID!) { nearestArtists(image: { uploadId: $u }) { artists { artist } } }', { u: 'up-1' });
    expect(t.services.query.nearestArtists).toHaveBeenCalledWith({ kind: 'stored-upload', uploadId: 'up-1' }, { k: 5 });
  });

  it('refuses a bad k or split with INVALID_ARGUMENT naming it', async () => {
    const r = await t.gql('{ nearestArtists(image: { paintingId: 1 }, k: 0) { artists { artist } } }');
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400, details: { field: 'k' } });
    expect(r.body.errors[0].message).toContain('k');
    const s = await t.gql('{ similarPaintings(image: { paintingId: 1 }, filter: { splits: ["nope"] }) { paintings { id } } }');
    expect(s.body.errors[0].extensions.details.field).toBe('filter.splits.0');
    const id = await t.gql('{ nearestArtists(image: { paintingId: "seven" }) { artists { artist } } }');
    expect(id.body.errors[0].extensions.details.field).toBe('image.paintingId');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('similarPaintings', async () => {
    const d = await data('{ similarPaintings(image: { paintingId: "7" }, k: 2) { paintings { id title artist distance split } query { modelVersion } } }');
    expect(d.similarPaintings.paintings).toEqual([{ id: '7', title: painting.title, artist: painting.artist, distance: 0.4, split: 'test' }]);
    expect(t.services.query.similarPaintings).toHaveBeenCalledWith({ kind: 'painting', paintingId: 7 }, { k: 2 });
  });

  it('verifyPair', async () => {
    const d = await data(`{ verifyPair(a: { paintingId: 1 }, b: { uploadId: "up-2" }) {
      sameArtist distance score { kind value } threshold confidence probabilitySameArtist calibration { source evaluationId } modelVersion } }`);
    expect(d.verifyPair).toEqual(verification);
    expect(t.services.query.verify).toHaveBeenCalledWith({ kind: 'painting', paintingId: 1 }, { kind: 'stored-upload', uploadId: 'up-2' });
  });

  it('rocEvaluation of the serving model or a version', async () => {
    const d = await data('{ rocEvaluation { auc bestThreshold pairs roc { threshold tpr fpr } histograms { binWidth } } }');
    expect(d.rocEvaluation).toEqual({ auc: roc.auc, bestThreshold: roc.bestThreshold, pairs: roc.pairs, roc: roc.roc, histograms: null });
    expect(t.services.models.rocEvaluation).toHaveBeenCalledWith(undefined);
    await data('{ rocEvaluation(modelVersion: 2) { auc } }');
    expect(t.services.models.rocEvaluation).toHaveBeenLastCalledWith(2);
  });
});

describe('catalog', () => {
  it('artists: a page with items and nextCursor', async () => {
    const d = await data('{ artists(first: 4, after: "c1", split: "test", search: "gogh") { items { id name slug split paintingCount } nextCursor } }');
    expect(d.artists).toEqual({ items: [{ ...artist, id: '3' }], nextCursor: 'c2' });
    expect(t.services.catalog.artists).toHaveBeenCalledWith({ limit: 4, after: 'c1', split: 'test', search: 'gogh' });
    const bad = await t.gql('{ artists(first: 500) { nextCursor } }');
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'first' } });
  });

  it("artist, with the artist's paintings", async () => {
    const d = await data('{ artist(id: 3) { name paintings(first: 2, split: "test") { items { id } nextCursor } } }');
    expect(d.artist).toEqual({ name: artist.name, paintings: { items: [{ id: '7' }], nextCursor: null } });
    expect(t.services.catalog.artist).toHaveBeenCalledWith(3);
    expect(t.services.catalog.paintings).toHaveBeenCalledWith({ limit: 2, split: 'test', artistId: 3 });
  });

  it('paintings and painting, with the artist as an object', async () => {
    const d = await data('{ paintings(artistId: 3, style: "Baroque") { items { id } } painting(id: 7) { id title year artistDetails { slug } imageUrl width } }');
    expect(d.paintings.items).toEqual([{ id: '7' }]);
    expect(t.services.catalog.paintings).toHaveBeenCalledWith({ artistId: 3, style: 'Baroque' });
    expect(d.painting).toEqual({ id: '7', title: painting.title, year: painting.year, artistDetails: { slug: artist.slug }, imageUrl: painting.imageUrl, width: 640 });
    expect(t.services.catalog.painting).toHaveBeenCalledWith(7);
  });

  it('answers null for an unknown painting, artist, model or job', async () => {
    t.services.catalog.painting.mockRejectedValueOnce(new PainterError('PAINTING_NOT_FOUND'));
    t.services.catalog.artist.mockRejectedValueOnce(new PainterError('ARTIST_NOT_FOUND'));
    t.services.models.get.mockRejectedValueOnce(new PainterError('MODEL_NOT_FOUND'));
    t.services.jobs.get.mockRejectedValueOnce(new PainterError('JOB_NOT_FOUND'));
    const d = await data('{ painting(id: 404) { id } artist(id: 404) { id } model(version: 9) { version } job(id: "gone") { id } }');
    expect(d).toEqual({ painting: null, artist: null, model: null, job: null });
  });

  it('reports other lookup errors with their code', async () => {
    t.services.catalog.painting.mockRejectedValueOnce(new PainterError('DATABASE_UNAVAILABLE'));
    const r = await t.gql('{ painting(id: 1) { id } }');
    expect(r.body.data.painting).toBeNull();
    expect(r.body.errors[0].extensions).toEqual({ code: 'DATABASE_UNAVAILABLE', status: 503 });
    expect(r.body.errors[0].path).toEqual(['painting']);
    const bad = await t.gql('{ painting(id: "abc") { id } }');
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
  });
});

describe('models, index and jobs', () => {
  it('models and model', async () => {
    const d = await data('{ models { version status metrics epochs { epoch valAuc } } model(version: 2) { preset embeddingDim completedAt } }');
    expect(d.models).toEqual([{ version: 2, status: 'complete', metrics: { auc: 0.91 }, epochs: [{ epoch: 1, valAuc: 0.85 }] }]);
    expect(d.model).toEqual({ preset: 'small', embeddingDim: 64, completedAt: model.completedAt });
    expect(t.services.models.get).toHaveBeenCalledWith(2);
  });

  it('indexStatus', async () => {
    const d = await data('{ indexStatus { serving { id modelVersion store elementCount params { M efConstruction ef } buildSeconds createdAt } activeBuildId pinned building { jobId phase progress { done total } } } }');
    expect(d.indexStatus).toEqual(indexStatus);
  });

  it('embeddingMap', async () => {
    const d = await data('{ embeddingMap(limit: 300) { method modelVersion indexId total points { paintingId artistId artist title x y thumbnailUrl } } }');
    expect(d.embeddingMap).toEqual({ ...embeddingMap, points: embeddingMap.points.map((p) => ({ ...p, paintingId: '7', artistId: '3' })) });
    expect(t.services.index.embeddingMap).toHaveBeenCalledWith({ limit: 300 });
    const bad = await t.gql('{ embeddingMap(limit: 5000) { total } }');
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
  });

  it('jobs and job', async () => {
    const d = await data('{ jobs { id kind status } job(id: "job-1") { id phase progress { done total } params result error { code } createdAt } }');
    expect(d.jobs).toEqual([{ id: 'job-1', kind: 'index', status: 'queued' }]);
    expect(d.job).toEqual({ id: 'job-1', phase: 'queued', progress: job.progress, params: job.params, result: null, error: null, createdAt: job.createdAt });
    expect(t.services.jobs.get).toHaveBeenCalledWith('job-1');
  });
});
