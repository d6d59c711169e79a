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
    const OWNER = 'host-a:1:test';
    /** Claims this job (the only queued one of its kind) for OWNER. */
    const start = async (job: { kind: JobKind }) => (await repo().claim(OWNER, [job.kind], 60_000))!;

    it('creates a queued job with a UUID and runs it through to success', async () => {
      const job = await repo().create({ kind: 'index', params: { modelVersion: 3 } });
      expect(job).toMatchObject({
        id: expect.stringMatching(UUID), kind: 'index', status: 'queued', phase: 'queued', done: 0, total: 0,
        params: { modelVersion: 3 }, result: null, errorCode: null, errorMessage: null, startedAt: null, finishedAt: null,
      });
      const started = await start(job);
      expect(started).toMatchObject({ id: job.id, status: 'running', phase: 'running', startedAt: expect.any(Date), owner: OWNER, attempts: 1 });
      expect(started.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect(await repo().progress(job.id, { phase: 'embedding', done: 10, total: 200 })).toMatchObject({ phase: 'embedding', done: 10, total: 200 });
      expect(await repo().progress(job.id, { done: 150 })).toMatchObject({ phase: 'embedding', done: 150, total: 200 });
      const done = await repo().succeed(job.id, { indexId: 7, elementCount: 200 });
      expect(done).toMatchObject({ status: 'succeeded', phase: 'done', result: { indexId: 7, elementCount: 200 }, finishedAt: expect.any(Date) });
      expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(started.startedAt!.getTime());
      expect(await repo().get(job.id)).toEqual(done);
    });

    it('records a failure with its code and message, keeping the phase it failed in', async () => {
      const job = await repo().create({ kind: 'train', params: {} });
      await start(job);
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

      await start(first);
      e = await errorOf(repo().create({ kind: 'index', params: {} }));
      expect(e.details).toEqual({ kind: 'index', activeJobId: first.id });
      expect((await repo().active('index'))!.id).toBe(first.id);

      await repo().succeed(first.id, {});
      expect(await repo().active('index')).toBeNull();
      const second = await repo().create({ kind: 'index', params: {} });
      await start(train);
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
      await start(job);
      expect(await repo().claim(OWNER, ['index'], 60_000)).toBeNull();
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
        await start(job);
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

    it('lets concurrent claims take a job once (FOR UPDATE SKIP LOCKED), and only of the kinds asked for', async () => {
      const job = await repo().create({ kind: 'index', params: {} });
      expect(await repo().claim(OWNER, ['train', 'evaluate'], 60_000)).toBeNull();
      const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => repo().claim(`replica-${i}`, ['index'], 60_000)));
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ id: job.id, status: 'running', attempts: 1 });
      expect(await repo().get(job.id)).toMatchObject({ owner: won[0]!.owner });
    });

    it('keeps a job with its owner only while the owner renews the lease', async () => {
      const job = await start(await repo().create({ kind: 'index', params: {} }));
      expect(await repo().heartbeat(job.id, OWNER, 60_000)).toEqual({ alive: true, cancelRequested: false });
      expect(await repo().heartbeat(job.id, 'someone-else', 60_000)).toEqual({ alive: false, cancelRequested: false });
      // Another owner's writes are refused, so a replica that lost its lease cannot clobber the job.
      expect((await errorOf(repo().succeed(job.id, {}, 'someone-else'))).code).toBe('JOB_LEASE_EXPIRED');
      expect((await errorOf(repo().progress(job.id, { done: 1 }, 'someone-else'))).code).toBe('JOB_LEASE_EXPIRED');
      expect(await repo().progress(job.id, { done: 1 }, OWNER)).toMatchObject({ done: 1 });
      expect(await repo().reapExpired({ index: 2 })).toEqual({ requeued: [], failed: [] });
      expect(await repo().get(job.id)).toMatchObject({ status: 'running', owner: OWNER });
    });

    it('queues a job again when its lease runs out, until its attempts are spent, then fails it', async () => {
      const index = await start(await repo().create({ kind: 'index', params: {} }));
      const train = await start(await repo().create({ kind: 'train', params: {} }));
      const alive = await start(await repo().create({ kind: 'evaluate', params: {} }));
      await repo().expireLease(index.id, OWNER);
      await repo().expireLease(train.id, OWNER);
      expect(await repo().reapExpired({ index: 2, evaluate: 2 })).toEqual({ requeued: [index.id], failed: [train.id] });
      expect(await repo().get(index.id)).toMatchObject({ status: 'queued', owner: null, attempts: 1 });
      expect(await repo().get(train.id)).toMatchObject({ status: 'failed', errorCode: 'JOB_LEASE_EXPIRED', errorMessage: expect.stringContaining(OWNER) });
      expect(await repo().get(alive.id)).toMatchObject({ status: 'running' });
      // The old owner's heartbeat now finds the job gone from it.
      expect((await repo().heartbeat(index.id, OWNER, 60_000)).alive).toBe(false);

      const again = (await repo().claim('host-b:2:test', ['index'], 60_000))!;
      expect(again).toMatchObject({ id: index.id, owner: 'host-b:2:test', attempts: 2 });
      await repo().expireLease(again.id, 'host-b:2:test');
      expect(await repo().reapExpired({ index: 2 })).toEqual({ requeued: [], failed: [index.id] });
      expect(await repo().get(index.id)).toMatchObject({ status: 'failed', errorCode: 'JOB_LEASE_EXPIRED' });
      // Nothing left active of those kinds, so they can start again.
      for (const kind of ['index', 'train'] as const) await repo().create({ kind, params: {} });
    });

    it('cancels a queued job at once, marks a running one for its owner, and refuses a finished one', async () => {
      const queued = await repo().create({ kind: 'index', params: {} });
      expect(await repo().requestCancel(queued.id)).toMatchObject({ status: 'cancelled', errorCode: 'JOB_CANCELLED', cancelRequestedAt: expect.any(Date) });
      expect(await repo().claim(OWNER, ['index'], 60_000)).toBeNull();

      const running = await start(await repo().create({ kind: 'index', params: {} }));
      expect(await repo().requestCancel(running.id)).toMatchObject({ status: 'running', cancelRequestedAt: expect.any(Date) });
      expect(await repo().heartbeat(running.id, OWNER, 60_000)).toEqual({ alive: true, cancelRequested: true });
      expect(await repo().markCancelled(running.id, OWNER)).toMatchObject({ status: 'cancelled', errorCode: 'JOB_CANCELLED', finishedAt: expect.any(Date) });

      const finished = await start(await repo().create({ kind: 'evaluate', params: {} }));
      await repo().succeed(finished.id, {}, OWNER);
      const e = await errorOf(repo().requestCancel(finished.id));
      expect([e.code, e.status]).toEqual(['JOB_NOT_CANCELLABLE', 409]);
      expect((await errorOf(repo().requestCancel('no-such-job'))).code).toBe('JOB_NOT_FOUND');

      // A replica that died while asked to cancel: the job ends cancelled, not re-run.
      const orphan = await start(await repo().create({ kind: 'index', params: {} }));
      await repo().requestCancel(orphan.id);
      await repo().expireLease(orphan.id, OWNER);
      expect(await repo().reapExpired({ index: 2 })).toEqual({ requeued: [], failed: [orphan.id] });
      expect(await repo().get(orphan.id)).toMatchObject({ status: 'cancelled', errorCode: 'JOB_CANCELLED' });
    });
  });
}
