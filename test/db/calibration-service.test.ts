import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { CalibrationService } from '../../src/services/calibration-service.js';
import { errorOf, TARGETS, useDatabase } from './helpers.js';

const result = (bestThreshold: number, extra: object = {}) => ({
  auc: 0.8,
  aucSameStyle: 0.6,
  tripletAccuracy: 0.8,
  eerThreshold: bestThreshold,
  bestThreshold,
  bestAccuracy: 0.75,
  pairs: 100,
  calibration: { intercept: 2 * bestThreshold, slope: -2 },
  ...extra,
});

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`CalibrationService on ${target.name}`, () => {
    const db = useDatabase(target.name);

    it("serves the newest test-split evaluation on the model's dataset, unless another one is chosen", async () => {
      const repos = createRepositories(db());
      const calibrations = new CalibrationService(repos, 0);
      const own = await repos.datasets.upsertDataset({ rootPath: '/data/own', name: 'own', layout: 'labels-csv', seed: 42, stats: {} });
      const other = await repos.datasets.upsertDataset({ rootPath: '/data/other', name: 'other', layout: 'labels-csv', seed: 42, stats: {} });
      const model = await repos.models.create({ preset: 'small', datasetId: own.id, config: {}, dir: (v) => `/m/v${v}`, embeddingDim: 8 });
      const second = await repos.models.create({ preset: 'small', datasetId: own.id, config: {}, dir: (v) => `/m/v${v}`, embeddingDim: 8 });
      expect((await calibrations.forModel(model.version)).info).toMatchObject({ selection: 'none', evaluationId: null });

      const test = await repos.evaluations.save({ modelVersion: model.version, subject: 'v1', datasetId: own.id, split: 'test', result: result(3) });
      // Newer, but not the test split of its own dataset: a folder, another dataset, the validation split.
      const folder = await repos.evaluations.save({ modelVersion: model.version, subject: 'v1', datasetPath: '/elsewhere', result: result(7) });
      await repos.evaluations.save({ modelVersion: model.version, subject: 'v1', datasetId: other.id, split: 'test', result: result(8) });
      await repos.evaluations.save({ modelVersion: model.version, subject: 'v1', datasetId: own.id, split: 'validation', result: result(9) });
      const served = await calibrations.forModel(model.version);
      expect(served.info).toMatchObject({ selection: 'test-split', evaluationId: test.id, split: 'test', datasetId: own.id });
      expect(served.distance.threshold).toBe(3);

      expect(await calibrations.choose(model.version, folder.id)).toMatchObject({ selection: 'chosen', evaluationId: folder.id, datasetPath: '/elsewhere' });
      expect((await calibrations.forModel(model.version)).distance.threshold).toBe(7);
      expect(await calibrations.choose(model.version, null)).toMatchObject({ selection: 'test-split', evaluationId: test.id });

      const foreign = await repos.evaluations.save({ modelVersion: second.version, subject: 'v2', datasetId: own.id, split: 'test', result: result(4) });
      expect((await errorOf(calibrations.choose(model.version, foreign.id))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(calibrations.choose(model.version, 999_999))).code).toBe('EVALUATION_NOT_FOUND');
      expect((await errorOf(calibrations.forModel(99))).code).toBe('MODEL_NOT_FOUND');
    });
  });
}
