/** POST /api/verify in all its forms, and POST /api/uploads. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { form, IMAGE, jsonPost, MAX_UPLOAD, startTestServer, upload, verification, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

const verify = (body: FormData | RequestInit) => t.call('/api/verify', body instanceof FormData ? { method: 'POST', body } : body);
const sides = () => t.services.query.verify.mock.calls[0];

describe('POST /api/verify', () => {
  it('compares two uploaded files', async () => {
    const r = await verify(form({ a: IMAGE, b: Buffer.from('other') }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual(verification);
    expect(r.body).toMatchObject({ sameArtist: true, distance: 0.31, threshold: 0.9 });
    const [a, b] = sides();
    expect(a).toMatchObject({ kind: 'upload', filename: 'a.jpg' });
    expect(b).toMatchObject({ kind: 'upload', filename: 'b.jpg' });
    expect((b as { bytes: Buffer }).bytes.toString()).toBe('other');
  });

  it('compares two paintings by id in JSON', async () => {
    expect((await verify(jsonPost({ a: 1, b: '2' }))).status).toBe(200);
    expect(sides()).toEqual([{ kind: 'painting', paintingId: 1 }, { kind: 'painting', paintingId: 2 }]);
  });

  it('takes reference objects and upload ids in JSON', async () => {
    await verify(jsonPost({ a: { uploadId: 'up-1' }, b: { paintingId: 4 } }));
    expect(sides()).toEqual([{ kind: 'stored-upload', uploadId: 'up-1' }, { kind: 'painting', paintingId: 4 }]);
  });

  it('mixes a file with a painting id as a text field', async () => {
    await verify(form({ a: IMAGE }, { b: '12' }));
    expect(sides()[0]).toMatchObject({ kind: 'upload' });
    expect(sides()[1]).toEqual({ kind: 'painting', paintingId: 12 });
  });

  it('reads a bare string as a painting id, never as an upload id', async () => {
    for (const request of [jsonPost({ a: 1, b: 'x' }), jsonPost({ a: upload.id, b: 1 }), { method: 'POST', body: form({ a: IMAGE }, { b: upload.id }) }]) {
      const r = await verify(request as RequestInit);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_ARGUMENT');
      expect(['a', 'b']).toContain(r.body.error.details.field);
    }
    expect(t.services.query.verify).not.toHaveBeenCalled();
  });

  it('refuses a missing side, naming it', async () => {
    const json = await verify(jsonPost({ a: 1 }));
    expect(json.status).toBe(400);
    expect(json.body.error).toMatchObject({ code: 'IMAGE_MISSING', details: { field: 'b' } });
    const multipart = await verify(form({ a: IMAGE }));
    expect(multipart.body.error).toMatchObject({ code: 'IMAGE_MISSING', details: { field: 'b' } });
    const emptyRef = await verify(jsonPost({ a: 1, b: {} }));
    expect(emptyRef.body.error).toMatchObject({ code: 'IMAGE_MISSING', details: { field: 'b' } });
    expect((await verify({ method: 'POST' })).body.error.code).toBe('IMAGE_MISSING');
    expect(t.services.query.verify).not.toHaveBeenCalled();
  });

  it('refuses a malformed side with INVALID_ARGUMENT naming it', async () => {
    const r = await verify(jsonPost({ a: 1, b: { uploadId: 'x/../y' } }));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'b.uploadId' } });
    expect((await verify(jsonPost({ a: 1.5, b: 2 }))).body.error.details.field).toBe('a');
    expect((await verify(jsonPost({ a: [1], b: 2 }))).body.error.details.field).toBe('a');
    expect((await verify(jsonPost({ a: true, b: 2 }))).body.error.code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a zero-byte side, an oversized side and a third file', async () => {
    expect((await verify(form({ a: Buffer.alloc(0), b: IMAGE }))).body.error).toMatchObject({ code: 'IMAGE_EMPTY', details: { field: 'a' } });
    const big = await verify(form({ a: IMAGE, b: Buffer.alloc(MAX_UPLOAD + 10) }));
    expect(big.status).toBe(413);
    const three = await verify(form({ a: IMAGE, b: IMAGE, c: IMAGE }));
    expect(three.status).toBe(400);
    expect(three.body.error.code).toBe('BAD_REQUEST');
  });
});

describe('POST /api/uploads', () => {
  it('stores an image: 201 with the stored upload', async () => {
    const r = await t.call('/api/uploads', { method: 'POST', body: form({ image: IMAGE }) });
    expect(r.status).toBe(201);
    expect(r.body).toEqual(upload);
    const [bytes, filename] = t.services.uploads.store.mock.calls[0];
    expect(Buffer.compare(bytes, IMAGE)).toBe(0);
    expect(filename).toBe('image.jpg');
  });

  it('refuses no file, an empty file, and JSON', async () => {
    expect((await t.call('/api/uploads', { method: 'POST' })).body.error.code).toBe('IMAGE_MISSING');
    expect((await t.call('/api/uploads', { method: 'POST', body: form({ image: Buffer.alloc(0) }) })).body.error.code).toBe('IMAGE_EMPTY');
    const json = await t.call('/api/uploads', jsonPost({ paintingId: 1 }));
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(t.services.uploads.store).not.toHaveBeenCalled();
  });
});
