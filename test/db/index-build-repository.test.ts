import { describe, expect, it } from 'vitest';
import { DatasetRepository } from '../../src/db/repositories/dataset-repository.js';
import { IndexBuildRepository } from '../../src/db/repositories/index-build-repository.js';
import { ModelRepository } from '../../src/db/repositories/model-repository.js';
import type { NewIndexBuild } from '../../src/db/types.js';
import { errorOf, TARGETS, useDatabase } from './helpers.js';

const PARAMS = { M: 16, efConstruction: 200, ef: 100 };
const SHA = (c: string) => c.repeat(64);

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`IndexBuildRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new IndexBuildRepository(db().prisma);

    async function setup() {
      const dataset = await new DatasetRepository(db().prisma).upsertDataset({ rootPath: '/data/w', name: 'w', layout: 'labels-csv', seed: 1, stats: {} });
      const models = new ModelRepository(db().prisma);
      const model = await models.create({ preset: 'small', datasetId: dataset.id, config: {}, dir: (v) => `/models/v${v}`, embeddingDim: 128 });
      await models.markComplete(model.version);
      return { dataset, model };
    }
    const spec = (modelVersion: number, extra: Partial<NewIndexBuild> = {}): NewIndexBuild => ({
      modelVersion, dir: (id) => `/indexes/${id}`, params: PARAMS, dim: 128, ...extra,
    });

    it('creates a build named after its id, then completes it', async () => {
      const { dataset, model } = await setup();
      const build = await repo().create(spec(model.version, { datasetId: dataset.id }));
      expect(build).toMatchObject({
        modelVersion: model.version, datasetId: dataset.id, status: 'building', dir: `/indexes/${build.id}`, params: PARAMS, dim: 128,
        elementCount: null, buildSeconds: null, checksum: null, failureReason: null, completedAt: null, createdAt: expect.any(Date),
      });
      const second = await repo().create(spec(model.version, { dir: '/indexes/fixed' }));
      expect(second).toMatchObject({ dir: '/indexes/fixed', datasetId: null });

      const done = await repo().markComplete(build.id, { elementCount: 5000, buildSeconds: 12.5, checksum: SHA('a') });
      expect(done).toMatchObject({ status: 'complete', elementCount: 5000, buildSeconds: 12.5, checksum: SHA('a'), completedAt: expect.any(Date) });
      expect(await repo().get(build.id)).toEqual(done);
      expect(await repo().get(build.id + 100)).toBeNull();

      const updated = await repo().setElementCount(build.id, 5001);
      expect(updated).toMatchObject({ status: 'complete', checksum: SHA('a'), elementCount: 5001, buildSeconds: 12.5, store: 'hnswlib' });
    });

    it('only completes or fails a build that is still building', async () => {
      const { model } = await setup();
      const a = await repo().create(spec(model.version));
      const failed = await repo().markFailed(a.id, 'worker crashed');
      expect(failed).toMatchObject({ status: 'failed', failureReason: 'worker crashed', completedAt: expect.any(Date), checksum: null });
      expect((await errorOf(repo().markComplete(a.id, { elementCount: 1, buildSeconds: 1, checksum: SHA('c') }))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(repo().setElementCount(a.id, 1))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(repo().markFailed(a.id + 100, 'x'))).code).toBe('INVALID_ARGUMENT');
      expect(await repo().get(a.id)).toEqual(failed);
    });

    it('rejects unknown model versions and nonsensical parameters', async () => {
      const { model } = await setup();
      expect((await errorOf(repo().create(spec(model.version + 1)))).code).toBe('MODEL_NOT_FOUND');
      expect((await errorOf(repo().create(spec(model.version, { params: { ...PARAMS, M: 0 } })))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(repo().create(spec(model.version, { dim: 1.5 })))).code).toBe('INVALID_ARGUMENT');
      expect(await repo().list()).toEqual([]);
    });

    it('finds the newest complete build, lists complete builds newest first, and all builds', async () => {
      const { model } = await setup();
      expect(await repo().latestComplete()).toBeNull();
      expect(await repo().listComplete()).toEqual([]);
      const ids: number[] = [];
      for (const outcome of ['complete', 'failed', 'complete', 'building', 'complete', 'failed'] as const) {
        const b = await repo().create(spec(model.version));
        if (outcome === 'complete') await repo().markComplete(b.id, { elementCount: 10, buildSeconds: 1, checksum: SHA('d') });
        if (outcome === 'failed') await repo().markFailed(b.id, 'x');
        ids.push(b.id);
      }
      expect((await repo().latestComplete())!.id).toBe(ids[4]);
      expect((await repo().listComplete()).map((b) => b.id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await repo().list()).map((b) => b.id)).toEqual([...ids].reverse());
      expect((await repo().list(2)).map((b) => [b.id, b.status])).toEqual([[ids[5], 'failed'], [ids[4], 'complete']]);
    });

    it('fails builds whose builder stopped renewing its lease, and only those', async () => {
      const { model } = await setup();
      const abandoned = await repo().create(spec(model.version));
      const alive = await repo().create(spec(model.version, { leaseMs: 60_000, store: 'pgvector', jobId: 'job-9' }));
      expect(alive).toMatchObject({ store: 'pgvector', jobId: 'job-9', leaseExpiresAt: expect.any(Date) });
      const c = await repo().create(spec(model.version));
      await repo().markComplete(c.id, { elementCount: 3, buildSeconds: 1, checksum: SHA('e') });
      expect((await repo().failAbandoned('interrupted')).map((b) => b.id)).toEqual([abandoned.id]);
      expect(await repo().get(abandoned.id)).toMatchObject({ status: 'failed', failureReason: 'interrupted' });
      expect(await repo().get(alive.id)).toMatchObject({ status: 'building' });
      expect(await repo().get(c.id)).toMatchObject({ status: 'complete' });
      expect(await repo().renewLease(alive.id, 0)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect((await repo().failAbandoned('interrupted')).map((b) => b.id)).toEqual([alive.id]);
      expect(await repo().renewLease(alive.id, 60_000)).toBe(false);
      expect(await repo().failAbandoned('interrupted')).toEqual([]);
    });

    it('goes with its model version, and outlives its dataset', async () => {
      const { dataset, model } = await setup();
      const build = await repo().create(spec(model.version, { datasetId: dataset.id }));
      await db().prisma.dataset.delete({ where: { id: dataset.id } });
      expect(await repo().get(build.id)).toMatchObject({ datasetId: null });
      await db().prisma.modelVersion.delete({ where: { version: model.version } });
      expect(await repo().get(build.id)).toBeNull();
    });
  });
}
