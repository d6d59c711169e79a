/** Browsing paintings, serving their files, per-painting queries, adding and removing. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { form, IMAGE, jsonPost, KEY, nearest, painting, similar, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

const withKey = { 'x-api-key': KEY };

describe('browsing', () => {
  it('pages paintings with artistId, split and style', async () => {
    const r = await t.call('/api/paintings?limit=10&after=p1&artistId=3&split=validation&style=Baroque');
    expect(r).toMatchObject({ status: 200, body: { items: [painting], nextCursor: null } });
    expect(t.services.catalog.paintings).toHaveBeenCalledWith({ limit: 10, after: 'p1', artistId: 3, split: 'validation', style: 'Baroque' });
  });

  it('refuses a bad artistId or split', async () => {
    expect((await t.call('/api/paintings?artistId=x')).body.error.details.field).toBe('artistId');
    expect((await t.call('/api/paintings?split=all')).body.error.details.field).toBe('split');
  });

  it('gets one painting', async () => {
    const r = await t.call('/api/paintings/7');
    expect(r).toMatchObject({ status: 200, body: painting });
    expect(t.services.catalog.painting).toHaveBeenCalledWith(7);
  });
});

describe('files', () => {
  it('sends the image with its content type and a cache header', async () => {
    const res = await fetch(`${t.base}/api/paintings/7/image`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await res.text()).toBe('PNGDATA');
    expect(t.services.catalog.imageFile).toHaveBeenCalledWith(7);
  });

  it('sends a thumbnail of the asked size', async () => {
    const res = await fetch(`${t.base}/api/paintings/7/thumbnail?size=128`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await res.text()).toBe('JPEGDATA');
    expect(t.services.catalog.thumbnail).toHaveBeenCalledWith(7, 128);
    await fetch(`${t.base}/api/paintings/7/thumbnail`);
    expect(t.services.catalog.thumbnail).toHaveBeenLastCalledWith(7, undefined);
  });

  it('refuses a bad size, and answers 404 when the file is gone', async () => {
    expect((await t.call('/api/paintings/7/thumbnail?size=big')).body.error.details.field).toBe('size');
    t.services.catalog.imageFile.mockResolvedValueOnce({ path: '/nonexistent/painter/file.png', contentType: 'image/png' });
    const gone = await t.call('/api/paintings/7/image');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('PAINTING_NOT_FOUND');
    expect(gone.headers.get('content-type')).toMatch(/^application\/json/);
    expect(gone.headers.get('cache-control')).toBeNull();
  });
});

describe('queries about a painting', () => {
  it('answers its nearest artists', async () => {
    const r = await t.call('/api/paintings/7/nearest-artists?k=2&excludeOwnArtist=true');
    expect(r).toMatchObject({ status: 200, body: nearest });
    expect(t.services.query.nearestArtists).toHaveBeenCalledWith({ kind: 'painting', paintingId: 7 }, { k: 2, filters: { excludeOwnArtist: true } });
  });

  it('answers similar paintings of a corpus painting', async () => {
    const r = await t.call('/api/paintings/7/similar?k=5&split=test');
    expect(r).toMatchObject({ status: 200, body: similar });
    expect(t.services.query.similarPaintings).toHaveBeenCalledWith({ kind: 'painting', paintingId: 7 }, { k: 5, filters: { splits: ['test'] } });
    expect((await t.call('/api/paintings/7/similar?k=1000')).body.error.details.field).toBe('k');
  });

  it('answers similar paintings of an upload or a reference', async () => {
    const up = await t.call('/api/paintings/similar?k=4', { method: 'POST', body: form({ image: IMAGE }) });
    expect(up).toMatchObject({ status: 200, body: similar });
    expect(t.services.query.similarPaintings.mock.calls[0][0]).toMatchObject({ kind: 'upload' });
    expect(t.services.query.similarPaintings.mock.calls[0][1]).toEqual({ k: 4 });
    await t.call('/api/paintings/similar', jsonPost({ uploadId: 'u-1' }));
    expect(t.services.query.similarPaintings).toHaveBeenLastCalledWith({ kind: 'stored-upload', uploadId: 'u-1' }, {});
    const none = await t.call('/api/paintings/similar', { method: 'POST', body: form({}, { x: '1' }) });
    expect(none.body.error.code).toBe('IMAGE_MISSING');
  });
});

describe('adding and removing', () => {
  it('adds a painting from an upload and its fields: 201 with a Location', async () => {
    const body = form({ image: IMAGE }, { artist: ' Hilma af Klint ', title: 'The Ten Largest', year: '1907', style: '' });
    const r = await t.call('/api/paintings', { method: 'POST', headers: withKey, body });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/api/paintings/99');
    expect(r.body.id).toBe(99);
    const input = t.services.catalog.addPainting.mock.calls[0][0];
    expect(input).toMatchObject({ artist: 'Hilma af Klint', title: 'The Ten Largest', year: '1907', filename: 'image.jpg' });
    expect(input).not.toHaveProperty('style');
    expect(Buffer.compare(input.bytes, IMAGE)).toBe(0);
  });

  it('adds a painting without an artist as unlabelled', async () => {
    const r = await t.call('/api/paintings', { method: 'POST', headers: withKey, body: form({ image: IMAGE }, { title: 'x', artist: ' ' }) });
    expect(r.status).toBe(201);
    const input = t.services.catalog.addPainting.mock.calls[0][0];
    expect(input).toMatchObject({ title: 'x' });
    expect(input.artist).toBeUndefined();
  });

  it('refuses a painting without an image, with an overlong artist, or as JSON', async () => {
    const longArtist = await t.call('/api/paintings', { method: 'POST', headers: withKey, body: form({ image: IMAGE }, { artist: 'x'.repeat(201) }) });
    expect(longArtist.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'artist' } });
    const noImage = await t.call('/api/paintings', { method: 'POST', headers: withKey, body: form({}, { artist: 'A' }) });
    expect(noImage.body.error.code).toBe('IMAGE_MISSING');
    const empty = await t.call('/api/paintings', { method: 'POST', headers: withKey, body: form({ image: Buffer.alloc(0) }, { artist: 'A' }) });
    expect(empty.body.error.code).toBe('IMAGE_EMPTY');
    const json = await t.call('/api/paintings', jsonPost({ artist: 'A' }, withKey));
    expect(json.status).toBe(415);
    expect(t.services.catalog.addPainting).not.toHaveBeenCalled();
  });

  it('passes a duplicate through as 409', async () => {
    t.services.catalog.addPainting.mockRejectedValueOnce(new PainterError('PAINTING_DUPLICATE'));
    const r = await t.call('/api/paintings', { method: 'POST', headers: withKey, body: form({ image: IMAGE }, { artist: 'A' }) });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('PAINTING_DUPLICATE');
  });

  it('removes a painting', async () => {
    const r = await t.call('/api/paintings/7', { method: 'DELETE', headers: withKey });
    expect(r).toMatchObject({ status: 200, body: { id: 7, removed: true } });
    expect(t.services.catalog.removePainting).toHaveBeenCalledWith(7);
    expect((await t.call('/api/paintings/abc', { method: 'DELETE', headers: withKey })).status).toBe(400);
  });
});
