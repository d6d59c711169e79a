/**
 * Section `training`: what `painter train` costs. Backbone features/s of the default preset's
 * backbone on tfjs-wasm (worker threads, one per core) against ONNX Runtime (a single-threaded
 * session per core), cold cache, same images, same run; then the default `painter train` from a
 * cold feature cache, its wall time split into feature extraction and epochs. On a labelled
 * `--dataset` folder it imports that folder into a scratch database first (as a user would);
 * otherwise it trains on a generated corpus.
 */
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { extractBackboneFeatures, type FeatureRuntime } from '../../src/backbone/extract.js';
import { DEFAULT_BACKBONE_SPEC } from '../../src/backbone/spec.js';
import { initBackend } from '../../src/compute/backend.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createRepositories } from '../../src/db/repositories/repositories.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { importDataset } from '../../src/services/import-service.js';
import { trainModel } from '../../training/train-service.js';
import { resolveTrainingConfig } from '../../training/config.js';
import { ratio } from '../lib/stats.js';
import type { BenchContext, BenchResult, BenchSection, TableRow, TargetCheck } from '../lib/types.js';

/** The default `painter train` from a cold feature cache, on WikiArt: the README's target. */
const TRAIN_TARGET_SECONDS = 600;

async function featuresPerSecond(paths: string[], runtime: FeatureRuntime, cacheDir: string): Promise<{ imagesPerSecond: number; seconds: number }> {
  const started = performance.now();
  const r = await extractBackboneFeatures(paths, { runtime, cacheDir, workers: availableParallelism(), spec: DEFAULT_BACKBONE_SPEC });
  const seconds = (performance.now() - started) / 1000;
  return { imagesPerSecond: r.stats.extracted / seconds, seconds };
}

export const trainingSection: BenchSection = {
  name: 'training',
  description: 'backbone features/s (tfjs-wasm vs ONNX Runtime) and the default `painter train` wall time from a cold feature cache',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const backend = await initBackend('auto');
    let root: string;
    let source: string;
    if (ctx.dataset) {
      root = ctx.dataset;
      source = ctx.dataset;
    } else {
      const perArtist = ctx.quick ? 6 : 20;
      const fixture = await generatePaintingDataset(join(ctx.tmpDir, 'training-corpus'), { artists: ctx.quick ? 8 : 24, perArtist, size: 320, layout: 'labels-csv', seed: ctx.seed });
      root = fixture.root;
      source = `generated corpus (${fixture.paintings.length} paintings)`;
    }

    // 1. Features/s, cold cache, on the same images (a sample of the corpus).
    const cfg = loadConfig({ ...process.env, PAINTER_DATA_DIR: join(ctx.tmpDir, 'training-data'), PAINTER_CACHE_DIR: join(ctx.tmpDir, 'training-cache') });
    const db = await openDatabase(cfg);
    const repos = createRepositories(db);
    const rows: TableRow[] = [];
    const targets: TargetCheck[] = [];
    const raw: Record<string, unknown> = { source };
    try {
      const bar = ctx.progress('import', 1);
      const imported = await importDataset(repos.datasets, root);
      bar.stop();
      const paintings = await repos.datasets.listPaintings(imported.datasetId);
      const sample = paintings.slice(0, ctx.quick ? 24 : 240).map((p) => join(imported.root, p.relPath));
      const tfjs = await featuresPerSecond(sample, 'tfjs', join(ctx.tmpDir, 'features-tfjs'));
      const onnx = await featuresPerSecond(sample, 'onnx', join(ctx.tmpDir, 'features-onnx'));
      rows.push(
        { label: `tfjs-wasm, ${availableParallelism()} worker threads`, metrics: { images: sample.length, 'images/s': tfjs.imagesPerSecond, seconds: tfjs.seconds } },
        {
          label: `ONNX Runtime, ${availableParallelism()} sessions × 1 thread`,
          metrics: { images: sample.length, 'images/s': onnx.imagesPerSecond, seconds: onnx.seconds },
          ratios: { 'vs tfjs': ratio(onnx.imagesPerSecond, tfjs.imagesPerSecond) },
        },
      );
      raw.features = { tfjs, onnx, images: sample.length };

      // 2. The default `painter train`, cold cache (its own, fresh), phase by phase.
      const phases = new Map<string, number>();
      let phase = '';
      let phaseStart = performance.now();
      const mark = (name: string) => {
        if (name === phase) return;
        if (phase) phases.set(phase, (phases.get(phase) ?? 0) + (performance.now() - phaseStart) / 1000);
        phase = name;
        phaseStart = performance.now();
      };
      const { config } = resolveTrainingConfig({});
      const epochs = ctx.quick ? 1 : config.epochs;
      const started = performance.now();
      const trained = await trainModel(cfg, repos, {
        overrides: ctx.quick ? { epochs } : {},
        datasetId: imported.datasetId,
        backend: backend.name,
        onPhase: (name) => mark(name === 'features' ? 'backbone features' : name),
        onStep: () => mark('epochs'),
      });
      mark('end');
      const seconds = (performance.now() - started) / 1000;
      const trainRows: TableRow[] = [...phases.entries()].map(([name, s]) => ({ label: name, metrics: { seconds: s, share: `${((100 * s) / seconds).toFixed(0)}%` } }));
      trainRows.push({ label: `painter train (default preset, ${epochs} epochs, best ${trained.bestEpoch})`, metrics: { seconds, share: '100%' } });
      raw.train = { seconds, phases: Object.fromEntries(phases), epochs, bestEpoch: trained.bestEpoch, paintings: paintings.length };
      if (ctx.dataset && !ctx.quick) {
        targets.push({ target: `default painter train ≤ ${TRAIN_TARGET_SECONDS / 60} min from a cold feature cache`, measured: `${(seconds / 60).toFixed(1)} min on ${paintings.length} paintings`, pass: seconds <= TRAIN_TARGET_SECONDS });
      } else {
        targets.push({ target: `default painter train ≤ ${TRAIN_TARGET_SECONDS / 60} min from a cold feature cache`, measured: `${seconds.toFixed(0)} s on ${source}`, pass: null, note: 'pass --dataset ../shared/datasets/wikiart to measure the target' });
      }
      return {
        tables: [
          { title: `Backbone features, cold cache, ${sample.length} paintings of ${source}`, rows },
          { title: `painter train from a cold feature cache: ${paintings.length} paintings of ${source}`, rows: trainRows },
        ],
        targets,
        raw,
      };
    } finally {
      await db.close();
    }
  },
};
