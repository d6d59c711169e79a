/** Models and their ROC evaluations, the index status and rebuild, and jobs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { buildList, embeddingMap, form, IMAGE, indexStatus, job, jsonPost, KEY, model, roc, startTestServer, type TestServer } from './helpers.js';

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
    const body = { preset: 'small', epochs: 3, loss: 'triplet', mining: 'batch-hard', backbone: 'inception', allArtists: true, rebuildIndex: false };
    const r = await t.call('/api/jobs/train', jsonPost(body, withKey));
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe('/api/jobs/job-2');
    expect(r.body.kind).toBe('train');
    expect(t.services.jobs.startTraining).toHaveBeenCalledWith(body);
  });

  it.each([
    [{ preset: 'huge' }, 'preset'],
    [{ epochs: 0 }, 'epochs'],
    [{ mining: 'hardest' }, 'mining'],
    [{ backbone: 'resnet' }, 'backbone'],
    [{ loss: 'l2' }, 'loss'],
    [{ allArtists: 'everyone' }, 'allArtists'],
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

describe('index builds', () => {
  it('lists builds with the alias and the retention setting', async () => {
    expect(await t.call('/api/index/builds')).toMatchObject({ status: 200, body: buildList });
  });

  it('activates a build (pinned unless pin=false), with a key and a valid id', async () => {
    expect((await t.call('/api/index/builds/4/activate', jsonPost({}))).status).toBe(401);
    const r = await t.call('/api/index/builds/4/activate', jsonPost({}, withKey));
    expect(r).toMatchObject({ status: 200, body: { pinned: true } });
    expect(t.services.index.activate).toHaveBeenLastCalledWith(4, {});
    await t.call('/api/index/builds/4/activate', jsonPost({ pin: false }, withKey));
    expect(t.services.index.activate).toHaveBeenLastCalledWith(4, { pin: false });
    await t.call('/api/index/builds/4/activate', { method: 'POST', headers: withKey });
    expect(t.services.index.activate).toHaveBeenLastCalledWith(4, {});
    for (const [path, body, field] of [['/api/index/builds/x/activate', {}, 'id'], ['/api/index/builds/4/activate', { pin: 'maybe' }, 'pin']] as const) {
      const bad = await t.call(path, jsonPost(body, withKey));
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field } });
    }
    t.services.index.activate.mockRejectedValueOnce(new PainterError('INDEX_BUILD_NOT_ACTIVATABLE'));
    expect((await t.call('/api/index/builds/5/activate', jsonPost({}, withKey))).status).toBe(409);
    t.services.index.activate.mockRejectedValueOnce(new PainterError('INDEX_BUILD_NOT_FOUND'));
    expect((await t.call('/api/index/builds/6/activate', jsonPost({}, withKey))).status).toBe(404);
  });

  it('unpins and sets retention, with a key and a sane number', async () => {
    expect((await t.call('/api/index/pin', { method: 'DELETE' })).status).toBe(401);
    expect((await t.call('/api/index/pin', { method: 'DELETE', headers: withKey })).status).toBe(200);
    expect(t.services.index.unpin).toHaveBeenCalledOnce();
    const r = await t.call('/api/index/retention', jsonPost({ keep: 5 }, withKey, 'PUT'));
    expect(r).toMatchObject({ status: 200, body: { keepBuilds: 5 } });
    expect(t.services.index.setRetention).toHaveBeenLastCalledWith(5);
    for (const keep of [0, 1001, 'all', null]) {
      const bad = await t.call('/api/index/retention', jsonPost({ keep }, withKey, 'PUT'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.field).toBe('keep');
    }
    expect((await t.call('/api/index/retention', jsonPost({ keep: 2 }, {}, 'PUT'))).status).toBe(401);
  });

  it('has the same operations in GraphQL, behind the key', async () => {
    const list = await t.gql('{ indexBuilds { activeBuildId keepBuilds builds { id status store active pinned } } }');
    expect(list.body.data.indexBuilds).toMatchObject({ activeBuildId: 4, keepBuilds: 3, builds: [{ id: 4, status: 'complete', store: 'hnswlib', active: true }] });
    expect((await t.gql('mutation { activateIndexBuild(id: 4) { pinned } }')).body.errors[0].extensions.code).toBe('API_KEY_REQUIRED');
    const activated = await t.gql('mutation { activateIndexBuild(id: 4, pin: false) { pinned } }', {}, withKey);
    expect(activated.body.data.activateIndexBuild.pinned).toBe(true);
    expect(t.services.index.activate).toHaveBeenLastCalledWith(4, { pin: false });
    await t.gql('mutation { unpinIndex { pinned } }', {}, withKey);
    expect(t.services.index.unpin).toHaveBeenCalledOnce();
    await t.gql('mutation { setIndexRetention(keep: 7) { keepBuilds } }', {}, withKey);
    expect(t.services.index.setRetention).toHaveBeenLastCalledWith(7);
    const bad = await t.gql('mutation { setIndexRetention(keep: 0) { keepBuilds } }', {}, withKey);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_ARGUMENT');
  });
});

describe('cancelling a job', () => {
  it('DELETE /api/jobs/:id asks it to stop: 202 with the job, behind the key', async () => {
    expect((await t.call('/api/jobs/job-1', { method: 'DELETE' })).status).toBe(401);
    const r = await t.call('/api/jobs/job-1', { method: 'DELETE', headers: withKey });
    expect(r).toMatchObject({ status: 202, body: { id: 'job-1', cancelRequested: true } });
    expect(t.services.jobs.cancel).toHaveBeenLastCalledWith('job-1');
    t.services.jobs.cancel.mockRejectedValueOnce(new PainterError('JOB_NOT_CANCELLABLE'));
    expect((await t.call('/api/jobs/job-1', { method: 'DELETE', headers: withKey })).body.error.code).toBe('JOB_NOT_CANCELLABLE');
    expect((await t.call('/api/jobs/a%20b', { method: 'DELETE', headers: withKey })).status).toBe(400);
  });

  it('cancelJob in GraphQL', async () => {
    expect((await t.gql('mutation { cancelJob(id: "job-1") { id } }')).body.errors[0].extensions.code).toBe('API_KEY_REQUIRED');
    const r = await t.gql('mutation { cancelJob(id: "job-1") { id status cancelRequested } }', {}, withKey);
    expect(r.body.data.cancelJob).toEqual({ id: 'job-1', status: 'running', cancelRequested: true });
  });
});
