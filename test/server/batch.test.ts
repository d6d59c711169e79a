/** The batch routes over fake services: what reaches the service per item, and the envelope's 4xx. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE, jsonPost, KEY, MAX_UPLOAD, model, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
const limits = { images: 3, pairs: 4, bytes: 3 * MAX_UPLOAD };
beforeAll(async () => {
  t = await startTestServer({ batchLimits: limits });
});
afterAll(() => t.close());
beforeEach(() => {
  for (const group of Object.values(t.services)) for (const fn of Object.values(group)) (fn as { mockClear(): void }).mockClear();
});

const files = (...parts: (Buffer | null)[]) => {
  const f = new FormData();
  parts.forEach((p, i) => f.append('images', new Blob(p ? [new Uint8Array(p)] : []), `img${i}.jpg`));
  return f;
};
const codes = (body: { items: { error: { code: string } | null }[] }) => body.items.map((i) => i.error?.code ?? 'ok');

describe('POST /api/verify/batch', () => {
  it('hands every pair to the service in order, a malformed side as its own error', async () => {
    const r = await t.call('/api/verify/batch', jsonPost({ pairs: [{ a: 1, b: '2' }, { a: { uploadId: 'up-1' }, b: { paintingId: 3 } }, { a: 'x', b: 1 }, { b: 2 }] }));
    expect(r.status).toBe(200);
    const [pairs] = t.services.query.verifyMany.mock.calls[0];
    expect(pairs.slice(0, 2)).toEqual([
      [{ kind: 'painting', paintingId: 1 }, { kind: 'painting', paintingId: 2 }],
      [{ kind: 'stored-upload', uploadId: 'up-1' }, { kind: 'painting', paintingId: 3 }],
    ]);
    expect(codes(r.body)).toEqual(['ok', 'ok', 'INVALID_ARGUMENT', 'IMAGE_MISSING']);
    expect(r.body.items[2].error.details.field).toBe('pairs.2.a');
  });

  it('refuses no pairs, too many pairs, another content type and no body', async () => {
    expect((await t.call('/api/verify/batch', jsonPost({ pairs: [] }))).body.error.code).toBe('INVALID_ARGUMENT');
    expect((await t.call('/api/verify/batch', jsonPost({ pair: [{ a: 1, b: 2 }] }))).body.error.code).toBe('INVALID_ARGUMENT');
    const tooMany = await t.call('/api/verify/batch', jsonPost({ pairs: Array.from({ length: 5 }, () => ({ a: 1, b: 2 })) }));
    expect(tooMany).toMatchObject({ status: 413, body: { error: { code: 'BATCH_TOO_LARGE', details: { max: 4, given: 5 } } } });
    expect((await t.call('/api/verify/batch', { method: 'POST', body: files(IMAGE) })).status).toBe(415);
    expect((await t.call('/api/verify/batch', { method: 'POST' })).body.error.code).toBe('IMAGE_MISSING');
    expect(t.services.query.verifyMany).not.toHaveBeenCalled();
  });
});

describe('POST /api/artists/nearest/batch and /api/paintings/similar/batch', () => {
  it('takes multipart files in order with the query options, an empty file as its own error', async () => {
    const r = await t.call('/api/artists/nearest/batch?k=2&neighbours=30&split=train', { method: 'POST', body: files(IMAGE, Buffer.alloc(0), Buffer.from('b')) });
    expect(r.status).toBe(200);
    const [images, options] = t.services.query.nearestArtistsMany.mock.calls[0];
    expect(images.map((i) => i.kind)).toEqual(['upload', 'invalid', 'upload']);
    expect(images[0]).toMatchObject({ filename: 'img0.jpg' });
    expect(options).toEqual({ k: 2, neighbours: 30, filters: { splits: ['train'] } });
    expect(codes(r.body)).toEqual(['ok', 'IMAGE_EMPTY', 'ok']);
  });

  it('takes JSON references, a bad one as its own error', async () => {
    const r = await t.call('/api/paintings/similar/batch?k=4', jsonPost({ images: [{ paintingId: 1 }, { paintingId: 1, uploadId: 'u' }, { uploadId: 'u-2' }] }));
    expect(codes(r.body)).toEqual(['ok', 'INVALID_ARGUMENT', 'ok']);
    expect(t.services.query.similarPaintingsMany.mock.calls[0][1]).toEqual({ k: 4 });
  });

  it('refuses more files than the limit, more bytes than the limit, a bad option and no images', async () => {
    const count = await t.call('/api/artists/nearest/batch', { method: 'POST', body: files(IMAGE, IMAGE, IMAGE, IMAGE) });
    expect(count).toMatchObject({ status: 413, body: { error: { code: 'BATCH_TOO_LARGE', details: { max: 3 } } } });
    const big = Buffer.alloc(MAX_UPLOAD - 100, 1);
    const bytes = await t.call('/api/artists/nearest/batch', { method: 'POST', body: files(big, big, big) });
    expect(bytes).toMatchObject({ status: 413, body: { error: { code: 'BATCH_TOO_LARGE', details: { maxBytes: limits.bytes } } } });
    const oneTooLarge = await t.call('/api/artists/nearest/batch', { method: 'POST', body: files(Buffer.alloc(MAX_UPLOAD + 1)) });
    expect(oneTooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.call('/api/artists/nearest/batch?k=0', { method: 'POST', body: files(IMAGE) })).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'k' } });
    expect((await t.call('/api/artists/nearest/batch', jsonPost({ images: [] }))).status).toBe(400);
    expect((await t.call('/api/artists/nearest/batch', { method: 'POST', body: new FormData() })).body.error.code).toBe('IMAGE_MISSING');
    expect(t.services.query.nearestArtistsMany).not.toHaveBeenCalled();
  });
});

describe('GraphQL batch operations', () => {
  it('answers verifyPairs and nearestArtistsBatch per item', async () => {
    const r = await t.gql(`{
      verifyPairs(pairs: [{ a: { paintingId: 1 }, b: { uploadId: "u" } }, { a: { paintingId: "x" }, b: { paintingId: 2 } }]) { items { index result { sameArtist } error { code } } }
      nearestArtistsBatch(images: [{ paintingId: 5 }], k: 2) { items { result { ranking openSet { verdict } artists { artist } } } }
    }`);
    expect(r.status).toBe(200);
    expect(r.body.data.verifyPairs.items.map((i: { error: { code: string } | null }) => i.error?.code ?? 'ok')).toEqual(['ok', 'INVALID_ARGUMENT']);
    expect(r.body.data.nearestArtistsBatch.items[0].result).toMatchObject({ ranking: 'raw', openSet: { verdict: 'uncertain' } });
    expect(t.services.query.nearestArtistsMany.mock.calls[0][1]).toEqual({ k: 2 });
  });

  it('refuses more images than the batch limit', async () => {
    const r = await t.gql(`{ similarPaintingsBatch(images: [{ paintingId: 1 }, { paintingId: 2 }, { paintingId: 3 }, { paintingId: 4 }]) { failed } }`);
    expect(r.body.errors[0].extensions.code).toBe('BATCH_TOO_LARGE');
  });
});

describe('choosing the calibrating evaluation', () => {
  it('PUT /api/models/:version/calibration needs a key and an evaluation id or null', async () => {
    expect((await t.call('/api/models/2/calibration', jsonPost({ evaluationId: 5 }, {}, 'PUT'))).status).toBe(401);
    const r = await t.call('/api/models/2/calibration', jsonPost({ evaluationId: 5 }, { 'x-api-key': KEY }, 'PUT'));
    expect(r).toMatchObject({ status: 200, body: { version: model.version, calibration: { selection: 'test-split' } } });
    expect(t.services.models.chooseCalibration).toHaveBeenCalledWith(2, 5);
    await t.call('/api/models/2/calibration', jsonPost({ evaluationId: null }, { 'x-api-key': KEY }, 'PUT'));
    expect(t.services.models.chooseCalibration).toHaveBeenLastCalledWith(2, null);
    expect((await t.call('/api/models/2/calibration', jsonPost({}, { 'x-api-key': KEY }, 'PUT'))).body.error.code).toBe('INVALID_ARGUMENT');
  });

  it('chooseCalibration over GraphQL', async () => {
    const r = await t.gql('mutation { chooseCalibration(modelVersion: 2, evaluationId: 5) { version calibration { selection evaluationId pairScore } } }', undefined, { 'x-api-key': KEY });
    expect(r.body.data.chooseCalibration).toEqual({ version: 2, calibration: { selection: 'test-split', evaluationId: 5, pairScore: 'distance' } });
  });
});
