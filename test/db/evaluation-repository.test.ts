import { describe, expect, it } from 'vitest';
import { DatasetRepository } from '../../src/db/repositories/dataset-repository.js';
import { EvaluationRepository } from '../../src/db/repositories/evaluation-repository.js';
import { ModelRepository } from '../../src/db/repositories/model-repository.js';
import type { EvaluationInput } from '../../src/db/types.js';
import { PainterError } from '../../src/errors.js';
import { TARGETS, useDatabase } from './helpers.js';

function result(auc: number) {
  return {
    auc,
    aucSameStyle: auc - 0.1,
    tripletAccuracy: 0.7,
    threshold: 0.9,
    bestThreshold: 0.9,
    bestAccuracy: 0.75,
    eerThreshold: 0.95,
    eer: 0.27,
    pairs: { same: 1200, different: 1200, sameStyleDifferent: 300 },
    triplets: 10_000,
    paintings: 400,
    artists: 20,
    roc: [{ fpr: 0, tpr: 0, threshold: 2 }, { fpr: 0.5, tpr: 0.8, threshold: 1 }, { fpr: 1, tpr: 1, threshold: 0 }],
  };
}

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`EvaluationRepository on ${target.name}`, () => {
    const db = useDatabase(target.name);
    const repo = () => new EvaluationRepository(db().prisma);
    const models = () => new ModelRepository(db().prisma);
    const newModel = () => models().create({ preset: 'small', config: {}, dir: (v) => `/m/v${v}`, embeddingDim: 64 });

    it('stores the headline metrics as columns and the full result as JSON', async () => {
      await newModel();
      const ds = await new DatasetRepository(db().prisma).upsertDataset({ rootPath: '/data/x', name: 'x', layout: 'labels-csv', seed: 1, stats: {} });
      const input: EvaluationInput = { modelVersion: 1, subject: 'v1', datasetId: ds.id, split: 'test', result: result(0.83) };
      const saved = await repo().save(input);
      expect(saved).toMatchObject({
        id: expect.any(Number), modelVersion: 1, subject: 'v1', datasetId: ds.id, split: 'test', datasetPath: null,
        auc: 0.83, aucSameStyle: 0.73, tripletAccuracy: 0.7, eerThreshold: 0.95, bestThreshold: 0.9, bestAccuracy: 0.75, pairs: 2400,
      });
      expect(saved.result).toEqual(result(0.83));
      expect(saved.createdAt).toBeInstanceOf(Date);
      expect(await repo().findById(saved.id)).toEqual(saved);
    });

    it('stores baselines and folder evaluations without a model version', async () => {
      const saved = await repo().save({ subject: 'baseline:untrained:small', datasetPath: '/tmp/folder', result: { ...result(0.55), aucSameStyle: null, pairs: 500 } });
      expect(saved).toMatchObject({ modelVersion: null, datasetId: null, split: null, datasetPath: '/tmp/folder', aucSameStyle: null, pairs: 500 });
    });

    it('finds the latest evaluation of a model version or subject, and lists newest first', async () => {
      await newModel();
      await newModel();
      const a = await repo().save({ modelVersion: 1, subject: 'v1', result: result(0.7) });
      const b = await repo().save({ modelVersion: 2, subject: 'v2', result: result(0.8) });
      const c = await repo().save({ modelVersion: 1, subject: 'v1', result: result(0.75) });
      const d = await repo().save({ subject: 'baseline:backbone', result: result(0.6) });

      expect((await repo().latestForModelVersion(1))!.id).toBe(c.id);
      expect((await repo().latestForModelVersion(2))!.id).toBe(b.id);
      expect(await repo().latestForModelVersion(3)).toBeNull();
      expect((await repo().latestForSubject('baseline:backbone'))!.id).toBe(d.id);
      expect(await repo().latestForSubject('v9')).toBeNull();

      expect((await repo().list()).map((e) => e.id)).toEqual([d.id, c.id, b.id, a.id]);
      expect((await repo().list({ modelVersion: 1 })).map((e) => e.id)).toEqual([c.id, a.id]);
      expect((await repo().list({ subject: 'v2' })).map((e) => e.id)).toEqual([b.id]);
      expect((await repo().list({ limit: 2 })).map((e) => e.id)).toEqual([d.id, c.id]);
    });

    it('rejects an unknown model version and an unknown split', async () => {
      await expect(repo().save({ modelVersion: 42, subject: 'v42', result: result(0.5) })).rejects.toSatisfy(
        (e) => e instanceof PainterError && e.code === 'MODEL_NOT_FOUND',
      );
      await expect(repo().save({ subject: 'v1', split: 'dev' as 'test', result: result(0.5) })).rejects.toSatisfy(
        (e) => e instanceof PainterError && e.code === 'INVALID_ARGUMENT',
      );
      expect(await repo().list()).toEqual([]);
    });
  });
}
