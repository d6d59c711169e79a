import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/db/repositories/job-repository.js';
import type { JobKind } from '../../src/db/types.js';
import { errorOf, TARGETS, useDatabase } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`JobRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new JobRepository(db().prisma);

    it('creates a queued job with a UUID and runs it through to success', async () => {
      const job = await repo().create({ kind: 'index', params: { modelVersion: 3 } });
      expect(job).toMatchObject({
        id: expect.stringMatching(UUID), kind: 'index', status: 'queued', phase: 'queued', done: 0, total: 0,
        params: { modelVersion: 3 }, result: null, errorCode: null, errorMessage: null, startedAt: null, finishedAt: null,
      });
      const started = await repo().start(job.id);
      expect(started).toMatchObject({ status: 'running', phase: 'running', startedAt: expect.any(Date) });
      expect(await repo().progress(job.id, { phase: 'embedding', done: 10, total: 200 })).toMatchObject({ phase: 'embedding', done: 10, total: 200 });
      expect(await repo().progress(job.id, { done: 150 })).toMatchObject({ phase: 'embedding', done: 150, total: 200 });
      const done = await repo().succeed(job.id, { indexId: 7, elementCount: 200 });
      expect(done).toMatchObject({ status: 'succeeded', phase: 'done', result: { indexId: 7, elementCount: 200 }, finishedAt: expect.any(Date) });
      expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(started.startedAt!.getTime());
      expect(await repo().get(job.id)).toEqual(done);
    });

    it('records a failure with its code and message, keeping the phase it failed in', async () => {
      const job = await repo().create({ kind: 'train', params: {} });
      await repo().start(job.id);
      await repo().progress(job.id, { phase: 'epoch 2/10', done: 2, total: 10 });
      const failed = await repo().fail(job.id, { code: 'DATASET_EMPTY', message: 'No usable paintings' });
      expect(failed).toMatchObject({ status: 'failed', phase: 'epoch 2/10', errorCode: 'DATASET_EMPTY', errorMessage: 'No usable paintings', result: null });
    });

    it('allows one queued or running job per kind, and reports the active one on conflict', async () => {
      const first = await repo().create({ kind: 'index', params: {} });
      let e = await errorOf(repo().create({ kind: 'index', params: {} }));
      expect(e.code).toBe('JOB_CONFLICT');
      expect(e.status).toBe(409);
      expect(e.details).toEqual({ kind: 'index', activeJobId: first.id });
      // Other kinds are independent.
      const train = await repo().create({ kind: 'train', params: {} });
      await repo().create({ kind: 'evaluate', params: {} });

      await repo().start(first.id);
      e = await errorOf(repo().create({ kind: 'index', params: {} }));
      expect(e.details).toEqual({ kind: 'index', activeJobId: first.id });
      expect((await repo().active('index'))!.id).toBe(first.id);

      await repo().succeed(first.id, {});
      expect(await repo().active('index')).toBeNull();
      const second = await repo().create({ kind: 'index', params: {} });
      await repo().start(train.id);
      await repo().fail(train.id, { code: 'INTERNAL', message: 'out of memory' });
      await repo().create({ kind: 'train', params: {} });
      expect((await repo().active('index'))!.id).toBe(second.id);
    });

    it('enforces the rule in the database, not only in the repository', async () => {
      await repo().create({ kind: 'index', params: {} });
      const direct = db().prisma.job.create({ data: { id: crypto.randomUUID(), kind: 'index', status: 'running', phase: 'x', params: {} } });
      await expect(direct).rejects.toMatchObject({ code: 'P2002' });
      // Finished jobs of the same kind are not constrained.
      await db().prisma.job.create({ data: { id: crypto.randomUUID(), kind: 'index', status: 'failed', phase: 'x', params: {} } });
      await db().prisma.job.create({ data: { id: crypto.randomUUID(), kind: 'index', status: 'succeeded', phase: 'x', params: {} } });
    });

    it('lets exactly one of several concurrent creates of a kind win', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => repo().create({ kind: 'evaluate', params: {} })));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(5);
      for (const r of lost) expect(r.reason).toMatchObject({ code: 'JOB_CONFLICT' });
      expect(await db().prisma.job.count()).toBe(1);
    });

    it('never changes a finished job, and reports unknown ids as JOB_NOT_FOUND', async () => {
      const job = await repo().create({ kind: 'index', params: {} });
      expect((await errorOf(repo().succeed(job.id.replace(/.$/, job.id.endsWith('0') ? '1' : '0'), {}))).code).toBe('JOB_NOT_FOUND');
      expect((await errorOf(repo().get('no-such-job'))).code).toBe('JOB_NOT_FOUND');
      expect((await errorOf(repo().progress('no-such-job', { done: 1 }))).code).toBe('JOB_NOT_FOUND');
      await repo().start(job.id);
      expect((await errorOf(repo().start(job.id))).code).toBe('JOB_CONFLICT');
      await repo().succeed(job.id, { ok: true });
      // Thunks, so each attempt starts only when awaited: an eagerly created rejected promise would go unhandled.
      const attempts = [() => repo().fail(job.id, { code: 'INTERNAL', message: 'late' }), () => repo().succeed(job.id, {}), () => repo().progress(job.id, { done: 5 })];
      for (const attempt of attempts) {
        const e = await errorOf(attempt());
        expect(e.code).toBe('JOB_CONFLICT');
        expect(e.details).toMatchObject({ id: job.id, status: 'succeeded' });
      }
      expect(await repo().get(job.id)).toMatchObject({ status: 'succeeded', result: { ok: true }, errorCode: null });
      expect((await errorOf(repo().progress(job.id, { done: -1 }))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(repo().create({ kind: 'deploy' as JobKind, params: {} }))).code).toBe('INVALID_ARGUMENT');
    });

    it('lists newest first, optionally by kind and limited', async () => {
      const ids: string[] = [];
      for (const kind of ['index', 'train', 'index', 'evaluate', 'index'] as const) {
        const job = await repo().create({ kind, params: { n: ids.length } });
        await repo().start(job.id);
        await repo().succeed(job.id, {});
        ids.push(job.id);
        await sleep(5); // distinct created_at
      }
      expect((await repo().list()).map((j) => j.id)).toEqual([...ids].reverse());
      expect((await repo().list({ limit: 2 })).map((j) => j.id)).toEqual([ids[4], ids[3]]);
      expect((await repo().list({ kind: 'index' })).map((j) => j.id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await repo().list({ kind: 'index', limit: 1 })).map((j) => j.id)).toEqual([ids[4]]);
      expect(await repo().list({ kind: 'train' })).toHaveLength(1);
    });

    it('fails the jobs an earlier process left queued or running, and only those', async () => {
      const queued = await repo().create({ kind: 'index', params: {} });
      const running = await repo().create({ kind: 'train', params: {} });
      await repo().start(running.id);
      await repo().progress(running.id, { phase: 'epoch 1/3', done: 1, total: 3 });
      const finished = await repo().create({ kind: 'evaluate', params: {} });
      await repo().start(finished.id);
      await repo().succeed(finished.id, { auc: 0.9 });

      expect(await repo().failInterrupted('interrupted: the server stopped')).toBe(2);
      for (const id of [queued.id, running.id]) {
        expect(await repo().get(id)).toMatchObject({ status: 'failed', errorCode: 'INTERNAL', errorMessage: 'interrupted: the server stopped', finishedAt: expect.any(Date) });
      }
      expect(await repo().get(running.id)).toMatchObject({ phase: 'epoch 1/3', done: 1 });
      expect(await repo().get(finished.id)).toMatchObject({ status: 'succeeded', result: { auc: 0.9 } });
      expect(await repo().failInterrupted('again')).toBe(0);
      // Nothing is active any more, so every kind can start again.
      for (const kind of ['index', 'train', 'evaluate'] as const) await repo().create({ kind, params: {} });
    });
  });
}
