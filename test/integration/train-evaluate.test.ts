/**
 * The training subsystem end to end on generated paintings: import (with broken files), train the
 * small CNN on the wasm backend with the registered kernels, evaluate on the unseen test artists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTrainingWorkspace } from '../support/training-workspace.js';
import { evaluate } from '../../src/services/evaluation-service.js';
import { importDataset } from '../../src/services/import-service.js';
import { trainModel } from '../../training/train-service.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { backboneIdOf, DEFAULT_BACKBONE_SPEC } from '../../src/backbone/spec.js';

const workspace = useTrainingWorkspace('painter-e2e-');

describe('import → train → evaluate', () => {
  it('learns to tell unseen synthetic artists apart', async () => {
    const { dir, cfg, repos } = workspace();
    await generatePaintingDataset(join(dir, 'paintings'), { artists: 20, perArtist: 8, size: 40, layout: 'labels-csv', broken: true, seed: 3 });
    const report = await importDataset(repos.datasets, join(dir, 'paintings'));
    expect(report.paintings).toBe(160);
    expect(report.artistsBySplit).toEqual({ train: 16, test: 4 });
    expect(report.skipped.length).toBeGreaterThanOrEqual(7);

    const again = await importDataset(repos.datasets, join(dir, 'paintings'));
    expect(again.changes).toMatchObject({ added: 0, removed: 0, updated: 0 });

    const untrained = await evaluate(cfg, repos, { baseline: 'untrained', preset: 'small', split: 'test' });

    const epochs: number[] = [];
    const trained = await trainModel(cfg, repos, {
      overrides: { preset: 'small', imageSize: 32, epochs: 6, stepsPerEpoch: 12, batchSize: 32, lr: 3e-3, milestones: [4], seed: 1 },
      backend: 'wasm',
      onEpoch: (m) => void epochs.push(m.epoch),
    });
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
    const model = await repos.models.get(trained.version);
    expect(model?.status).toBe('complete');
    expect(await repos.models.listEpochs(trained.version)).toHaveLength(6);

    const result = await evaluate(cfg, repos, { model: trained.version, split: 'test' });
    expect(result.subject).toBe(`v${trained.version}`);
    expect(result.roc).toHaveLength(101);
    console.log(`untrained AUC ${untrained.auc.toFixed(3)}, trained AUC ${result.auc.toFixed(3)}, triplet accuracy ${result.tripletAccuracy.toFixed(3)}`);
    expect(result.auc).toBeGreaterThan(0.75);
    expect(result.auc).toBeGreaterThan(untrained.auc + 0.1);
    expect(result.tripletAccuracy).toBeGreaterThan(0.65);
    const stored = await repos.evaluations.latestForModelVersion(trained.version);
    expect(stored?.auc).toBeCloseTo(result.auc, 10);
  });

  it('trains the pretrained head on several cached views of each painting, and identifies unseen artists', { timeout: 300_000 }, async () => {
    const { dir, cfg, repos } = workspace();
    await generatePaintingDataset(join(dir, 'views'), { artists: 20, perArtist: 8, size: 96, layout: 'labels-csv', seed: 5 });
    const imported = await importDataset(repos.datasets, join(dir, 'views'));
    const views = [{ size: 224 }, { size: 224, flip: true }, { size: 224, crop: { scale: 0.5, x: 0.5, y: 0.5 } }];
    const trained = await trainModel(cfg, repos, {
      datasetId: imported.datasetId,
      overrides: { preset: 'pretrained', views, augment: true, epochs: 3, batchSize: 32, milestones: [], seed: 2 },
      backend: 'wasm',
    });
    const manifest = JSON.parse(readFileSync(join(trained.dir, 'manifest.json'), 'utf8')) as { training: { views: unknown[] }; backbone: { spec: unknown } };
    expect(manifest.training.views).toEqual(views);
    expect(manifest.backbone.spec).toEqual(DEFAULT_BACKBONE_SPEC);
    // One cache file per view, beside the backbone's feature graph.
    const cached = readdirSync(join(cfg.cacheDir, 'backbone', backboneIdOf(DEFAULT_BACKBONE_SPEC))).filter((f) => f.startsWith('view-')).sort();
    expect(cached).toEqual(['view-s224-c0.5@0.5,0.5.bin', 'view-s224-h.bin', 'view-s224.bin']);

    const result = await evaluate(cfg, repos, { model: trained.version, datasetId: imported.datasetId, split: 'test' });
    console.log(`pretrained head on 3 views: AUC ${result.auc.toFixed(3)}, top-1 ${result.identification.top1.toFixed(3)}`);
    expect(result.auc).toBeGreaterThan(0.75);
    expect(result.identification.queries).toBe(result.paintings);
    expect(result.identification.corpus).toBe(160);
    // 20 artists: chance is 0.05.
    expect(result.identification.top1).toBeGreaterThan(0.3);
    expect(result.identification.top5).toBeGreaterThanOrEqual(result.identification.top1);
  });
});

