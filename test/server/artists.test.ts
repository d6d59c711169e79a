/** POST /api/artists/nearest (upload or reference), GET /api/artists and /api/artists/:id. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { artist, form, IMAGE, jsonPost, MAX_UPLOAD, nearest, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

const post = (path: string, body: FormData) => t.call(path, { method: 'POST', body });

describe('POST /api/artists/nearest', () => {
  it('takes an uploaded image and answers the ranked artists', async () => {
    const r = await post('/api/artists/nearest', form({ image: IMAGE }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual(nearest);
    expect(r.body.artists[0]).toMatchObject({ artist: 'Vincent van Gogh', distance: 0.42 });
    const [image, options] = t.services.query.nearestArtists.mock.calls[0];
    expect(image).toMatchObject({ kind: 'upload', filename: 'image.jpg' });
    expect(Buffer.compare((image as { bytes: Buffer }).bytes, IMAGE)).toBe(0);
    expect(options).toEqual({ k: 5 });
  });

  it('takes a corpus painting or a stored upload by JSON reference', async () => {
    expect((await t.call('/api/artists/nearest', jsonPost({ paintingId: 12 }))).status).toBe(200);
    expect(t.services.query.nearestArtists).toHaveBeenLastCalledWith({ kind: 'painting', paintingId: 12 }, { k: 5 });
    await t.call('/api/artists/nearest', jsonPost({ paintingId: '13' }));
    expect(t.services.query.nearestArtists).toHaveBeenLastCalledWith({ kind: 'painting', paintingId: 13 }, { k: 5 });
    await t.call('/api/artists/nearest', jsonPost({ uploadId: 'abc-123' }));
    expect(t.services.query.nearestArtists).toHaveBeenLastCalledWith({ kind: 'stored-upload', uploadId: 'abc-123' }, { k: 5 });
  });

  it('passes k, neighbours and the filters from the query string', async () => {
    await t.call('/api/artists/nearest?k=3&neighbours=200&split=test,validation,test&style=Cubism&excludeOwnArtist=true', jsonPost({ paintingId: 1 }));
    expect(t.services.query.nearestArtists).toHaveBeenCalledWith(
      { kind: 'painting', paintingId: 1 },
      { k: 3, neighbours: 200, filters: { splits: ['test', 'validation'], style: 'Cubism', excludeOwnArtist: true } },
    );
    await t.call('/api/artists/nearest?excludeOwnArtist=0', jsonPost({ paintingId: 1 }));
    expect(t.services.query.nearestArtists).toHaveBeenLastCalledWith({ kind: 'painting', paintingId: 1 }, { k: 5, filters: { excludeOwnArtist: false } });
  });

  it.each([
    ['k=0', 'k'],
    ['k=101', 'k'],
    ['k=abc', 'k'],
    ['k=2.5', 'k'],
    ['neighbours=501', 'neighbours'],
    ['split=train,everything', 'split'],
    ['excludeOwnArtist=maybe', 'excludeOwnArtist'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const r = await t.call(`/api/artists/nearest?${query}`, jsonPost({ paintingId: 1 }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_ARGUMENT');
    expect(r.body.error.details.field).toMatch(new RegExp(`^${field}`));
    expect(r.body.error.message).toContain(field);
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('refuses a request with no image', async () => {
    const none = await t.call('/api/artists/nearest', { method: 'POST' });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('IMAGE_MISSING');
    const emptyJson = await t.call('/api/artists/nearest', jsonPost({}));
    expect(emptyJson.body.error.code).toBe('IMAGE_MISSING');
    const noFile = await post('/api/artists/nearest', form({}, { note: 'no file here' }));
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('IMAGE_MISSING');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('refuses both references at once, and a malformed one', async () => {
    const both = await t.call('/api/artists/nearest', jsonPost({ paintingId: 1, uploadId: 'u1' }));
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('INVALID_ARGUMENT');
    const bad = await t.call('/api/artists/nearest', jsonPost({ paintingId: 'seven' }));
    expect(bad.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'paintingId' } });
    const badUpload = await t.call('/api/artists/nearest', jsonPost({ uploadId: '../../etc/passwd' }));
    expect(badUpload.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'uploadId' } });
  });

  it('refuses a zero-byte file with IMAGE_EMPTY', async () => {
    const r = await post('/api/artists/nearest', form({ image: Buffer.alloc(0) }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMAGE_EMPTY');
  });

  it('refuses a file over the upload limit with 413 before the service sees it', async () => {
    const r = await post('/api/artists/nearest', form({ image: Buffer.alloc(MAX_UPLOAD + 1, 1) }));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
    // Exactly at the limit is accepted.
    expect((await post('/api/artists/nearest', form({ image: Buffer.alloc(MAX_UPLOAD, 1) }))).status).toBe(200);
  });

  it('refuses an unexpected file field or too many files with 400 BAD_REQUEST', async () => {
    const other = await post('/api/artists/nearest', form({ picture: IMAGE }));
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'picture' } });
    const f = form({ image: IMAGE });
    f.append('image', new Blob([new Uint8Array(IMAGE)]), 'second.jpg');
    expect((await post('/api/artists/nearest', f)).body.error.code).toBe('BAD_REQUEST');
  });

  it('refuses a malformed multipart body with 400', async () => {
    const r = await t.call('/api/artists/nearest', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'garbage' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
  });
});

describe('GET /api/artists', () => {
  it('pages with limit, after, split and search', async () => {
    const r = await t.call('/api/artists?limit=2&after=c1&split=train&search=%20gogh%20');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ items: [artist], nextCursor: 'c2' });
    expect(t.services.catalog.artists).toHaveBeenCalledWith({ limit: 2, after: 'c1', split: 'train', search: 'gogh' });
  });

  it('passes nothing when nothing is asked', async () => {
    await t.call('/api/artists');
    expect(t.services.catalog.artists).toHaveBeenCalledWith({});
  });

  it.each([['limit=0', 'limit'], ['limit=201', 'limit'], ['split=validation', 'split'], ['after=', 'after']])('refuses %s', async (query, field) => {
    const r = await t.call(`/api/artists?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe(field);
  });

  it('gets one artist by id', async () => {
    const r = await t.call('/api/artists/3');
    expect(r).toMatchObject({ status: 200, body: artist });
    expect(t.services.catalog.artist).toHaveBeenCalledWith(3);
    expect((await t.call('/api/artists/x')).status).toBe(400);
  });
});
