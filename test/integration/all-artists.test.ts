/**
 * `painter train --all-artists` end to end on generated paintings: the test split's artists train
 * too, the model refuses a test-split evaluation (it has none held out), and the same configuration
 * trained on the training artists alone calibrates it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTrainingWorkspace } from '../support/training-workspace.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { isPainterError } from '../../src/errors.js';
import { CalibrationService } from '../../src/services/calibration-service.js';
import { evaluate } from '../../src/services/evaluation-service.js';
import { importDataset } from '../../src/services/import-service.js';
import { trainModel } from '../../training/train-service.js';
import type { TrainingOverrides } from '../../training/config.js';

const workspace = useTrainingWorkspace('painter-all-artists-');

const quick: TrainingOverrides = { preset: 'small', imageSize: 32, epochs: 2, stepsPerEpoch: 3, batchSize: 16, milestones: [], seed: 4 };

describe('train --all-artists', () => {
  it('trains on the test split too, has no held-out evaluation, and is calibrated by its held-out twin', async () => {
    const { dir, cfg, repos } = workspace();
    await generatePaintingDataset(join(dir, 'paintings'), { artists: 10, perArtist: 6, size: 32, layout: 'labels-csv', seed: 8 });
    const imported = await importDataset(repos.datasets, join(dir, 'paintings'));
    expect(imported.artistsBySplit).toEqual({ train: 8, test: 2 });
    const testPaintings = (await repos.datasets.listPaintings(imported.datasetId, 'test')).length;
    const trainPaintings = (await repos.datasets.listPaintings(imported.datasetId, 'train')).length;

    const all = await trainModel(cfg, repos, { overrides: { ...quick, artists: 'all' }, backend: 'wasm' });
    const allModel = (await repos.models.get(all.version))!;
    expect(all.config.artists).toBe('all');
    expect(allModel.metrics?.trainedOn).toEqual({ artists: 'all', artistCount: 10, paintings: trainPaintings + testPaintings });

    const refused = await evaluate(cfg, repos, { model: all.version, split: 'test' }).catch((e: unknown) => e);
    expect(isPainterError(refused) && refused.code).toBe('EVALUATION_NOT_HELD_OUT');
    expect(isPainterError(refused) && refused.status).toBe(409);
    // Nothing calibrates it yet: no twin has been trained.
    const calibrations = new CalibrationService(repos, 0);
    expect((await calibrations.forModel(all.version)).info).toMatchObject({ selection: 'none', evaluationId: null, evaluatedModelVersion: null });

    // The same command without --all-artists: its test split holds unseen artists.
    const twin = await trainModel(cfg, repos, { overrides: quick, backend: 'wasm' });
    expect(twin.config.artists).toBeUndefined();
    expect((await repos.models.get(twin.version))!.metrics?.trainedOn).toEqual({ artists: 'training', artistCount: 8, paintings: trainPaintings });
    const heldOut = await evaluate(cfg, repos, { model: twin.version, split: 'test', neighbourhood: false });
    expect((await calibrations.forModel(all.version)).info).toMatchObject({
      selection: 'held-out-twin',
      evaluationId: heldOut.evaluationId,
      evaluatedModelVersion: twin.version,
      split: 'test',
    });
    expect((await calibrations.forModel(twin.version)).info).toMatchObject({ selection: 'test-split', evaluatedModelVersion: twin.version });

    // Another configuration (a different seed) is no twin.
    const other = await trainModel(cfg, repos, { overrides: { ...quick, seed: 5, artists: 'all' }, backend: 'wasm' });
    expect((await calibrations.forModel(other.version)).info.selection).toBe('none');
    const chosen = await calibrations.choose(other.version, heldOut.evaluationId).catch((e: unknown) => e);
    expect(isPainterError(chosen) && chosen.code).toBe('INVALID_ARGUMENT');

    // Its validation split and other folders can still be measured.
    const validation = await evaluate(cfg, repos, { model: all.version, split: 'validation', neighbourhood: false });
    expect(validation.split).toBe('validation');
    // A folder of the corpus's own images: no image is searched for among copies of itself.
    const folder = await evaluate(cfg, repos, { model: all.version, datasetPath: join(dir, 'paintings'), neighbourhood: false });
    expect(folder.identification.queries).toBe(60);
    expect(folder.identification.corpus).toBe(60);
  });
});
