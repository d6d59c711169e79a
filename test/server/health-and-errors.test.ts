/** Probes, the error envelope, and the failures every route shares. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { jsonPost, MAX_UPLOAD, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

describe('health', () => {
  it('answers liveness without asking the services', async () => {
    const r = await t.call('/healthz');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(t.services.health.ready).not.toHaveBeenCalled();
  });

  it('is ready with 200 and the services body', async () => {
    const r = await t.call('/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ready: true, database: true, index: true, reasons: [] });
  });

  it('is not ready with 503 and the reasons', async () => {
    t.services.health.ready.mockResolvedValueOnce({ ready: false, database: true, index: false, reasons: ['no index loaded'] });
    const r = await t.call('/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ready: false, index: false, reasons: ['no index loaded'] });
  });

  it('reports a failing readiness check as 503, not 500', async () => {
    t.services.health.ready.mockRejectedValueOnce(new Error('connection refused'));
    const r = await t.call('/readyz');
    expect(r.status).toBe(503);
    expect(r.body.ready).toBe(false);
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const r = await t.call('/api/nowhere');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('names the bound a number is out of, and a value of the wrong kind as such', async () => {
    const huge = await t.call('/api/paintings/7/nearest-artists?k=1000000');
    expect(huge).toMatchObject({ status: 400, body: { error: { code: 'INVALID_ARGUMENT', message: 'Invalid k: expected an integer from 1 to 100', details: { field: 'k' } } } });
    expect((await t.call('/api/paintings/7/nearest-artists?k=0')).body.error.message).toBe('Invalid k: expected an integer from 1 to 100');
    expect((await t.call('/api/paintings/7/nearest-artists?k=three')).body.error.message).toBe('Invalid k: expected an integer');
    expect((await t.call('/api/artists?limit=500')).body.error.message).toBe('Invalid limit: expected an integer from 1 to 200');
  });

  it('answers a method a route does not take with 405 and Allow', async () => {
    const put = await t.call('/api/paintings', { method: 'PUT' });
    expect(put).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    // Not "Invalid id": 'nearest' is a route of its own, answering POST only.
    const nearest = await t.call('/api/artists/nearest');
    expect(nearest).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET is not answered at /api/artists/nearest: use POST' } } });
    expect(nearest.headers.get('allow')).toBe('POST');
    expect((await t.call('/api/paintings/similar')).status).toBe(405);
    expect((await t.call('/api/jobs/train')).headers.get('allow')).toBe('POST');
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const r = await t.call('/api/artists/nearest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"paintingId":' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('answers a JSON body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await t.call('/api/artists/nearest', jsonPost({ paintingId: 1, pad: 'x'.repeat(MAX_UPLOAD) }));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported charset with 415', async () => {
    const r = await t.call('/api/artists/nearest', { method: 'POST', headers: { 'content-type': 'application/json; charset=koi8-r' }, body: '{}' });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body that is neither multipart nor JSON with 415', async () => {
    const r = await t.call('/api/artists/nearest', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'paintingId=1' });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(t.services.query.nearestArtists).not.toHaveBeenCalled();
  });

  it('answers a non-numeric id with 400 INVALID_ARGUMENT naming id', async () => {
    for (const id of ['abc', '0', '-1', '1e3', '12abc', '99999999999']) {
      const r = await t.call(`/api/paintings/${id}`);
      expect({ id, status: r.status, code: r.body.error.code, field: r.body.error.details?.field }).toEqual({ id, status: 400, code: 'INVALID_ARGUMENT', field: 'id' });
    }
    expect(t.services.catalog.painting).not.toHaveBeenCalled();
  });

  it('answers a path that is not valid percent-encoding with 400', async () => {
    const r = await t.call('/api/paintings/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
  });

  it("passes a service's PainterError through with its status, code and details", async () => {
    t.services.catalog.painting.mockRejectedValueOnce(new PainterError('PAINTING_NOT_FOUND', 'Painting 5 not found', { id: 5 }));
    const r = await t.call('/api/paintings/5');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'PAINTING_NOT_FOUND', message: 'Painting 5 not found', details: { id: 5 } } });

    t.services.query.nearestArtists.mockRejectedValueOnce(new PainterError('INDEX_NOT_READY'));
    const q = await t.call('/api/artists/nearest', jsonPost({ paintingId: 1 }));
    expect(q.status).toBe(503);
    expect(q.body.error.code).toBe('INDEX_NOT_READY');
  });

  it('masks an unexpected error as 500 INTERNAL without the message or stack, and logs it', async () => {
    t.services.catalog.painting.mockRejectedValueOnce(new Error('db password=hunter2 at /srv/secret.ts:12'));
    const r = await t.call('/api/paintings/5');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(JSON.stringify(r.body)).not.toMatch(/hunter2|secret|\bat\b/);
    expect(t.log.warn).toHaveBeenCalledTimes(1);
    expect(t.log.warn.mock.calls[0][0]).toContain('hunter2');
  });
});
