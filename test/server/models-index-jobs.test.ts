/** Models and their ROC evaluations, the index status and rebuild, and jobs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { embeddingMap, form, IMAGE, indexStatus, job, jsonPost, KEY, model, roc, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());
beforeEach(() => vi.resetAllMocks());

const withKey = { 'x-api-key': KEY };

describe('models', () => {
  it('lists models and gets one', async () => {
    expect(await t.call('/api/models')).toMatchObject({ status: 200, body: [model] });
    expect(await t.call('/api/models/2')).toMatchObject({ status: 200, body: model });
    expect(t.services.models.get).toHaveBeenCalledWith(2);
    expect((await t.call('/api/models/v2')).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'version' } });
  });

  it("answers a model's ROC evaluation", async () => {
    const r = await t.call('/api/models/2/roc');
    expect(r).toMatchObject({ status: 200, body: roc });
    expect(t.services.models.rocEvaluation).toHaveBeenCalledWith(2);
  });

  it('answers the serving model evaluation, or the one asked for', async () => {
    expect((await t.call('/api/evaluations/roc')).body).toEqual(roc);
    expect(t.services.models.rocEvaluation).toHaveBeenLastCalledWith(undefined);
    await t.call('/api/evaluations/roc?model=3');
    expect(t.services.models.rocEvaluation).toHaveBeenLastCalledWith(3);
    expect((await t.call('/api/evaluations/roc?model=latest')).body.error.details.field).toBe('model');
    t.services.models.rocEvaluation.mockRejectedValueOnce(new PainterError('EVALUATION_NOT_FOUND'));
    expect((await t.call('/api/evaluations/roc')).status).toBe(404);
  });
});

describe('index', () => {
  it('answers its status', async () => {
    expect(await t.call('/api/index')).toMatchObject({ status: 200, body: indexStatus });
  });

  it('answers the 2-D map of its paintings, with a validated sample size', async () => {
    expect(await t.call('/api/index/map')).toMatchObject({ status: 200, body: embeddingMap });
    expect(t.services.index.embeddingMap).toHaveBeenLastCalledWith({});
    await t.call('/api/index/map?limit=250');
    expect(t.services.index.embeddingMap).toHaveBeenLastCalledWith({ limit: 250 });
    for (const limit of ['0', '2001', 'all']) {
      const r = await t.call(`/api/index/map?limit=${limit}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
    }
    t.services.index.embeddingMap.mockRejectedValueOnce(new PainterError('INDEX_NOT_READY'));
    expect((await t.call('/api/index/map')).status).toBe(503);
  });

  it('starts a rebuild: 202 with the job and where to poll it', async () => {
    const r = await t.call('/api/index/rebuild', jsonPost({ modelVersion: 2 }, withKey));
    expect(r.status).toBe(202);
    expect(r.body).toEqual(job);
    expect(r.headers.get('location')).toBe('/api/jobs/job-1');
    expect(t.services.jobs.startIndex).toHaveBeenCalledWith({ modelVersion: 2 });
  });

  it('starts a rebuild without a body', async () => {
    expect((await t.call('/api/index/rebuild', { method: 'POST', headers: withKey })).status).toBe(202);
    expect(t.services.jobs.startIndex).toHaveBeenCalledWith({});
  });

  it('refuses a bad modelVersion and a multipart body', async () => {
    expect((await t.call('/api/index/rebuild', jsonPost({ modelVersion: 'new' }, withKey))).body.error.details.field).toBe('modelVersion');
    expect((await t.call('/api/index/rebuild', { method: 'POST', headers: withKey, body: form({ image: IMAGE }) })).status).toBe(415);
    expect(t.services.jobs.startIndex).not.toHaveBeenCalled();
  });

  it('passes JOB_CONFLICT through as 409', async () => {
    t.services.jobs.startIndex.mockRejectedValueOnce(new PainterError('JOB_CONFLICT', 'An index rebuild is already running'));
    const r = await t.call('/api/index/rebuild', jsonPost({}, withKey));
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({ code: 'JOB_CONFLICT', message: 'An index rebuild is already running' });
  });
});

describe('jobs', () => {
  it('lists jobs and gets one', async () => {
    expect(await t.call('/api/jobs')).toMatchObject({ status: 200, body: [job] });
    expect(await t.call('/api/jobs/job-1')).toMatchObject({ status: 200, body: job });
    expect(t.services.jobs.get).toHaveBeenCalledWith('job-1');
    t.services.jobs.get.mockRejectedValueOnce(new PainterError('JOB_NOT_FOUND'));
    expect((await t.call('/api/jobs/nope')).status).toBe(404);
    expect((await t.call('/api/jobs/bad%20id')).body.error.details.field).toBe('id');
  });

  it('starts training with validated options: 202', async () => {
    const r = await t.call('/api/jobs/train', jsonPost({ preset: 'small', epochs: 3, loss: 'triplet', mining: 'batch-hard', backbone: 'inception', rebuildIndex: false }, withKey));
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe('/api/jobs/job-2');
    expect(r.body.kind).toBe('train');
    expect(t.services.jobs.startTraining).toHaveBeenCalledWith({ preset: 'small', epochs: 3, loss: 'triplet', mining: 'batch-hard', backbone: 'inception', rebuildIndex: false });
  });

  it.each([
    [{ preset: 'huge' }, 'preset'],
    [{ epochs: 0 }, 'epochs'],
    [{ mining: 'hardest' }, 'mining'],
    [{ backbone: 'resnet' }, 'backbone'],
    [{ loss: 'l2' }, 'loss'],
  ])('refuses training options %j', async (body, field) => {
    const r = await t.call('/api/jobs/train', jsonPost(body, withKey));
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe(field);
    expect(t.services.jobs.startTraining).not.toHaveBeenCalled();
  });

  it('starts an evaluation: 202', async () => {
    const r = await t.call('/api/jobs/evaluate', jsonPost({ modelVersion: 4 }, withKey));
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe('/api/jobs/job-3');
    expect(t.services.jobs.startEvaluation).toHaveBeenCalledWith({ modelVersion: 4 });
  });
});
