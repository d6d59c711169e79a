import { describe, expect, it } from 'vitest';
import { DatasetRepository } from '../../src/db/repositories/dataset-repository.js';
import { ModelRepository } from '../../src/db/repositories/model-repository.js';
import type { NewModelVersion } from '../../src/db/types.js';
import { PainterError } from '../../src/errors.js';
import { TARGETS, useDatabase } from './helpers.js';

const spec = (extra: Partial<NewModelVersion> = {}): NewModelVersion => ({
  preset: 'small',
  config: { preset: 'small', epochs: 10, lr: 0.001, margin: 0.2 },
  dir: (v) => `/models/v${v}`,
  embeddingDim: 128,
  ...extra,
});

const epoch = (n: number, extra = {}) => ({ epoch: n, trainLoss: 1 / n, valTripletAccuracy: 0.5 + n / 100, valAuc: 0.6 + n / 100, learningRate: 0.001, seconds: 12.5, imagesPerSecond: 80, ...extra });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PainterError);
    return (e as PainterError).code;
  }
  throw new Error('expected a rejection');
}

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`ModelRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new ModelRepository(db().prisma);

    it('numbers versions 1, 2, 3, … and names their folder after the number', async () => {
      expect(await repo().nextVersion()).toBe(1);
      const v1 = await repo().create(spec());
      const v2 = await repo().create(spec({ preset: 'medium' }));
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1).toMatchObject({ status: 'training', dir: '/models/v1', preset: 'small', embeddingDim: 128, datasetId: null, metrics: null, checksum: null, failureReason: null, completedAt: null });
      expect(v1.config).toEqual({ preset: 'small', epochs: 10, lr: 0.001, margin: 0.2 });
      expect(v2).toMatchObject({ dir: '/models/v2', preset: 'medium' });
      expect(await repo().nextVersion()).toBe(3);
      // Failed versions keep their number: the next one never reuses it.
      await repo().markFailed(2, 'out of memory');
      expect((await repo().create(spec())).version).toBe(3);
    });

    it('gives concurrent creators distinct versions', async () => {
      const created = await Promise.all([1, 2, 3, 4].map(() => repo().create(spec())));
      expect(created.map((m) => m.version).sort()).toEqual([1, 2, 3, 4]);
      expect(new Set(created.map((m) => m.dir)).size).toBe(4);
    });

    it('refuses an explicit version number that is taken', async () => {
      await repo().create(spec({ version: 5, dir: '/models/five' }));
      expect(await codeOf(repo().create(spec({ version: 5 })))).toBe('INVALID_ARGUMENT');
      expect(await repo().nextVersion()).toBe(6);
    });

    it('marks versions complete or failed and finds the latest of each kind', async () => {
      const ds = await new DatasetRepository(db().prisma).upsertDataset({ rootPath: '/data/x', name: 'x', layout: 'folder-per-artist', seed: 1, stats: {} });
      for (let i = 0; i < 4; i++) await repo().create(spec({ datasetId: ds.id }));
      expect(await repo().latestComplete()).toBeNull();
      expect((await repo().latestTraining())!.version).toBe(4);

      const done = await repo().markComplete(2, { metrics: { bestValAuc: 0.81, history: [{ epoch: 1 }] }, checksum: 'ab'.repeat(32) });
      expect(done).toMatchObject({ status: 'complete', checksum: 'ab'.repeat(32), metrics: { bestValAuc: 0.81, history: [{ epoch: 1 }] }, datasetId: ds.id });
      expect(done.completedAt).toBeInstanceOf(Date);
      await repo().markComplete(1);
      const failed = await repo().markFailed(4, 'SPLIT_EMPTY: no training paintings');
      expect(failed).toMatchObject({ status: 'failed', failureReason: 'SPLIT_EMPTY: no training paintings' });

      expect((await repo().latestComplete())!.version).toBe(2);
      expect((await repo().latestTraining())!.version).toBe(3);
      expect((await repo().list()).map((m) => [m.version, m.status])).toEqual([[1, 'complete'], [2, 'complete'], [3, 'training'], [4, 'failed']]);
      expect(await repo().get(2)).toEqual(done);
      expect(await repo().get(99)).toBeNull();
      expect(await codeOf(repo().require(99))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(repo().markComplete(99))).toBe('MODEL_NOT_FOUND');
    });

    it('updates fields and clears metrics to SQL NULL', async () => {
      await repo().create(spec());
      const updated = await repo().update(1, { metrics: { partial: true }, dir: '/elsewhere/v1', config: { preset: 'small', epochs: 20 } });
      expect(updated).toMatchObject({ metrics: { partial: true }, dir: '/elsewhere/v1', config: { preset: 'small', epochs: 20 } });
      expect((await repo().update(1, { metrics: null })).metrics).toBeNull();
      expect(await db().prisma.$queryRawUnsafe('SELECT count(*)::int AS n FROM model_versions WHERE metrics IS NULL')).toEqual([{ n: 1 }]);
    });

    it('records epochs, replacing an epoch recorded again after a resume', async () => {
      await repo().create(spec());
      await repo().create(spec());
      await repo().recordEpoch(1, epoch(1));
      await repo().recordEpoch(1, epoch(2));
      await repo().recordEpoch(2, epoch(1, { trainLoss: 9 }));
      const redone = await repo().recordEpoch(1, epoch(2, { trainLoss: 0.25, valAuc: null, imagesPerSecond: undefined }));
      expect(redone).toMatchObject({ epoch: 2, trainLoss: 0.25, valAuc: null, imagesPerSecond: null });

      const epochs = await repo().listEpochs(1);
      expect(epochs.map((e) => [e.epoch, e.trainLoss])).toEqual([[1, 1], [2, 0.25]]);
      expect(epochs[0]).toMatchObject({ valTripletAccuracy: 0.51, valAuc: 0.61, learningRate: 0.001, seconds: 12.5, imagesPerSecond: 80 });
      expect((await repo().listEpochs(2)).map((e) => e.trainLoss)).toEqual([9]);
      expect(await db().prisma.trainingEpoch.count()).toBe(3);
      expect(await codeOf(repo().recordEpoch(7, epoch(1)))).toBe('MODEL_NOT_FOUND');
    });
  });
}
