/**
 * `painter train`: everything around the training loop — choosing the dataset and split, building
 * the preset's inputs and network, recording the model version and its epochs in the database,
 * and writing the versioned model folder at the end. Resuming picks up an interrupted version.
 */
import * as tf from '@tensorflow/tfjs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../src/config.js';
import type { Repositories } from '../src/db/repositories/repositories.js';
import { buildCnn, buildHead } from '../src/encoders/architectures.js';
import { applyFeatureTransform, blockByName, blockRows, blockScale, fitFeatureTransform, transformedDim, type FeatureTransform } from '../src/encoders/feature-transform.js';
import { buildFineTuneModel, topWeightNames } from '../src/encoders/fine-tune.js';
import { nsfwjsIOHandler } from '../src/backbone/nsfwjs-bundle.js';
import { BASE_VIEW, viewKey } from '../src/backbone/views.js';
import { FineTuneSource } from './inputs/fine-tune-source.js';
import { saveLayersModel, WEIGHTS_BIN } from '../src/encoders/model-files.js';
import { exportSavedModel } from '../src/onnx/export-model.js';
import { writeManifest, type ModelManifest } from '../src/encoders/model-manifest.js';
import type { PresetDefinition } from '../src/encoders/presets.js';
import { PainterError } from '../src/errors.js';
import { sha256File, writeJsonAtomic } from '../src/util/files.js';
import type { EpochMetrics } from './checkpoint.js';
import { overridesOf, resolveTrainingConfig, TrainingConfigSchema, type TrainingConfig, type TrainingOverrides } from './config.js';
import { FeatureSource } from './inputs/feature-source.js';
import { decodeImages, ImageSource } from './inputs/image-source.js';
import type { InputSource } from './input-source.js';
import { trainEncoder, type StepProgress } from './trainer.js';
import { backboneCacheDir, DEFAULT_FEATURE_BLOCKS } from '../src/encoders/backbone-defaults.js';
import { VIEW_SETS } from '../src/backbone/views.js';
import { DEFAULT_BACKBONE_SPEC, type BackboneSpec, type FeatureSpec } from '../src/backbone/spec.js';
import { DEFAULT_BACKBONE, getBackboneChoice } from '../src/encoders/backbone-choices.js';

/** The backbone (tfjs model files, worker pool) is loaded only when a preset needs it. */
const loadBackbone = () => import('../src/backbone/extract.js');

export interface TrainRequest {
  overrides?: TrainingOverrides;
  datasetId?: number;
  /** true: the newest interrupted version; a number: that version. */
  resume?: boolean | number;
  backend: string;
  onPhase?(phase: string, done: number, total: number): void;
  onStep?(p: StepProgress): void;
  onEpoch?(m: EpochMetrics): void;
}

export interface TrainResult {
  version: number;
  dir: string;
  config: TrainingConfig;
  history: EpochMetrics[];
  bestEpoch: number;
  resumedFrom: number;
  seconds: number;
  /** The ONNX export for serving, or why there is none (the model then serves on tfjs). */
  onnx: { file: string; bytes: number } | { error: string };
}

interface Prepared {
  inputs: InputSource;
  model: tf.LayersModel;
  backbone?: { id: string; spec: FeatureSpec; featureTransform: FeatureTransform };
  fineTune?: { from: string };
  slowWeights?: { names: ReadonlySet<string>; lrScale: number };
}

interface SplitPaintings {
  paths: string[];
  artists: string[];
  styles: (string | null)[];
  trainCount: number;
}

async function prepareHead(cfg: Config, preset: PresetDefinition, config: TrainingConfig, data: SplitPaintings, req: TrainRequest): Promise<Prepared> {
  if (config.fineTune) return prepareFineTune(cfg, preset, config, config.fineTune, data, req);
  const backbone = getBackboneChoice(config.backbone ?? DEFAULT_BACKBONE);
  const spec = backbone.spec;
  const features = await (await loadBackbone()).extractBackboneFeatures(data.paths, {
    spec,
    cacheDir: backboneCacheDir(cfg.cacheDir),
    workers: cfg.workers,
    runtime: cfg.inference === 'tfjs' ? 'tfjs' : 'onnx',
    // Without augmentation only the first view is ever shown: the others are not computed.
    views: config.augment ? (config.views ?? VIEW_SETS.center) : (config.views ?? VIEW_SETS.center).slice(0, 1),
    onProgress: (done, total) => req.onPhase?.('features', done, total),
  });
  const trainRows = features.views[0].subarray(0, data.trainCount * features.dim);
  const featureTransform = fitFeatureTransform(trainRows, features.dim, features.blocks, backbone.featureBlocks, true);
  // One view at a time, dropping each raw copy: many views of a large corpus take gigabytes.
  const views = features.views.map((v, i) => {
    const transformed = applyFeatureTransform(v, features.dim, featureTransform);
    features.views[i] = new Float32Array(0);
    return transformed;
  });
  const inputDim = transformedDim(featureTransform);
  const model = buildHead({ inputDim, hidden: preset.hidden ?? [], embeddingDim: preset.embeddingDim, seed: config.seed });
  return { inputs: new FeatureSource(views, inputDim), model, backbone: { id: features.backboneId, spec, featureTransform } };
}

/** The head with the backbone's top rebuilt above the cut, on the cut's cached activations. */
async function prepareFineTune(cfg: Config, preset: PresetDefinition, config: TrainingConfig, fineTune: { from: string; lrScale: number }, data: SplitPaintings, req: TrainRequest): Promise<Prepared> {
  const spec: BackboneSpec = { ...DEFAULT_BACKBONE_SPEC, activations: [fineTune.from] };
  const views = (config.views ?? VIEW_SETS.center).slice(0, config.augment ? undefined : 1);
  const odd = views.find((v) => v.size !== BASE_VIEW.size);
  if (odd) throw new PainterError('INVALID_ARGUMENT', `fine-tuning reads cached activations of ${BASE_VIEW.size} px views; view ${viewKey(odd)} is ${odd.size} px`);
  const features = await (await loadBackbone()).extractBackboneFeatures(data.paths, {
    spec,
    cacheDir: backboneCacheDir(cfg.cacheDir),
    workers: cfg.workers,
    runtime: cfg.inference === 'tfjs' ? 'tfjs' : 'onnx',
    views,
    onProgress: (done, total) => req.onPhase?.('features', done, total),
  });
  const trainRows = features.views[0].subarray(0, data.trainCount * features.dim);
  const featureTransform = fitFeatureTransform(trainRows, features.dim, features.blocks, DEFAULT_FEATURE_BLOCKS, true, ['pooled']);
  const actBlock = blockByName(features.blocks, `${fineTune.from}.act`);
  const frozen: Float32Array[] = [];
  const acts: Float32Array[] = [];
  features.views.forEach((v, i) => {
    frozen.push(applyFeatureTransform(v, features.dim, featureTransform));
    acts.push(blockRows(v, features.dim, actBlock));
    features.views[i] = new Float32Array(0);
  });
  const keras = await tf.loadLayersModel(nsfwjsIOHandler(spec.variant));
  let model: tf.LayersModel;
  try {
    model = buildFineTuneModel({ keras, from: fineTune.from, frozenDim: transformedDim(featureTransform), blockScale: blockScale(featureTransform), embeddingDim: preset.embeddingDim, seed: config.seed });
  } finally {
    keras.dispose();
  }
  const shape = model.inputs[0].shape.slice(1) as [number, number, number];
  return {
    inputs: new FineTuneSource(acts, shape, frozen, transformedDim(featureTransform)),
    model,
    backbone: { id: features.backboneId, spec, featureTransform },
    fineTune: { from: fineTune.from },
    slowWeights: { names: topWeightNames(model), lrScale: fineTune.lrScale },
  };
}

async function prepareCnn(preset: PresetDefinition, config: TrainingConfig, data: SplitPaintings, req: TrainRequest): Promise<Prepared> {
  const images = await decodeImages(data.paths, config.imageSize, (done, total) => req.onPhase?.('decode', done, total));
  const model = buildCnn({ inputSize: config.imageSize, blocks: preset.blocks!, embeddingDim: preset.embeddingDim, seed: config.seed });
  return { inputs: new ImageSource(images, config.imageSize), model };
}

export async function trainModel(cfg: Config, repos: Pick<Repositories, 'models' | 'datasets'>, req: TrainRequest): Promise<TrainResult> {
  const started = performance.now();
  const { models, datasets } = repos;

  let version: number;
  let dir: string;
  let config: TrainingConfig;
  let preset: PresetDefinition;
  let datasetId: number;
  let resume = false;

  if (req.resume !== undefined && req.resume !== false) {
    const existing = typeof req.resume === 'number' ? await models.get(req.resume) : await models.latestTraining();
    if (!existing || existing.status !== 'training') {
      throw new PainterError(
        'CHECKPOINT_NOT_FOUND',
        typeof req.resume === 'number' ? `Model v${req.resume} has no interrupted training to resume` : 'No interrupted training run to resume',
      );
    }
    const stored = TrainingConfigSchema.parse(existing.config);
    // Only the epoch count may be extended on resume; anything else would change the run.
    ({ config, preset } = resolveTrainingConfig({ ...overridesOf(stored), epochs: req.overrides?.epochs ?? stored.epochs }));
    version = existing.version;
    dir = existing.dir;
    datasetId = existing.datasetId ?? -1;
    resume = true;
  } else {
    ({ config, preset } = resolveTrainingConfig(req.overrides));
    const dataset = req.datasetId !== undefined ? await datasets.findById(req.datasetId) : await datasets.latest();
    if (!dataset) {
      throw new PainterError('DATASET_NOT_FOUND', req.datasetId !== undefined ? `No dataset with id ${req.datasetId}` : 'No dataset imported yet: run `painter import DIR` first');
    }
    datasetId = dataset.id;
    const created = await models.create({
      preset: config.preset,
      datasetId,
      config,
      dir: (v: number) => join(cfg.modelsDir, `v${v}`),
      embeddingDim: preset.embeddingDim,
    });
    version = created.version;
    dir = created.dir;
  }

  const dataset = await datasets.findById(datasetId);
  if (!dataset) throw new PainterError('DATASET_NOT_FOUND', `The dataset of model v${version} no longer exists`);
  // Every labelled artist with --all-artists: the test split's paintings train too.
  const splits = config.artists === 'all' ? (['train', 'test'] as const) : (['train'] as const);
  const train = await datasets.listPaintings(dataset.id, splits);
  const validation = await datasets.listPaintings(dataset.id, 'validation');
  if (train.length < 2) throw new PainterError('SPLIT_EMPTY', `Dataset ${dataset.rootPath} has ${train.length} training paintings`);
  const all = [...train, ...validation];
  const data: SplitPaintings = {
    paths: all.map((p) => join(dataset.rootPath, p.relPath)),
    artists: all.map((p) => p.artistSlug),
    styles: all.map((p) => p.style ?? null),
    trainCount: train.length,
  };

  try {
    const prepared = preset.kind === 'head' ? await prepareHead(cfg, preset, config, data, req) : await prepareCnn(preset, config, data, req);
    const manifest: ModelManifest = {
      version,
      preset: config.preset,
      kind: preset.kind,
      inputSize: config.imageSize,
      embeddingDim: preset.embeddingDim,
      embeddingScale: config.embeddingScale,
      backbone: prepared.backbone,
      ...(prepared.fineTune ? { fineTune: prepared.fineTune } : {}),
      training: config,
      datasetId: dataset.id,
      backend: req.backend,
      createdAt: new Date().toISOString(),
    };
    await writeManifest(dir, manifest);

    const artistIndex = new Map<string, number>();
    const trainIdx = train.map((_, i) => i);
    const artistIds = trainIdx.map((i) => {
      const a = data.artists[i];
      if (!artistIndex.has(a)) artistIndex.set(a, artistIndex.size);
      return artistIndex.get(a)!;
    });
    const valIdx = validation.map((_, i) => train.length + i);

    const result = await trainEncoder({
      model: prepared.model,
      config,
      inputs: prepared.inputs,
      slowWeights: prepared.slowWeights,
      train: { indices: trainIdx, artistIds },
      validation: { indices: valIdx, items: valIdx.map((i) => ({ artist: data.artists[i], style: data.styles[i] })) },
      checkpointDir: join(dir, 'checkpoint'),
      resume,
      onStep: req.onStep,
      onEpoch: async (m) => {
        await models.recordEpoch(version, m);
        req.onEpoch?.(m);
      },
    });

    await saveLayersModel(prepared.model, dir);
    req.onPhase?.('export', 0, 1);
    // Serving runs the ONNX export; a model it cannot export still serves (on tfjs), so this never fails training.
    const onnx = await exportSavedModel(dir).then(
      (a) => ({ file: a.file, bytes: a.bytes }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
    );
    req.onPhase?.('export', 1, 1);
    const metrics = {
      history: result.history,
      bestEpoch: result.bestEpoch,
      bestValAuc: result.bestAuc,
      stoppedEarly: result.stoppedEarly,
      trainedOn: { artists: config.artists ?? 'training', artistCount: artistIndex.size, paintings: train.length },
    };
    await writeJsonAtomic(join(dir, 'metrics.json'), metrics);
    await models.markComplete(version, { metrics, checksum: await sha256File(join(dir, WEIGHTS_BIN)) });
    await rm(join(dir, 'checkpoint'), { recursive: true, force: true });
    prepared.model.dispose();
    prepared.inputs.dispose();
    return {
      version,
      dir,
      config,
      history: result.history,
      bestEpoch: result.bestEpoch,
      resumedFrom: result.resumedFrom,
      seconds: (performance.now() - started) / 1000,
      onnx,
    };
  } catch (e) {
    // Leave the version resumable: only a failure that a retry cannot fix marks it failed.
    if (e instanceof PainterError && e.status < 500) await models.markFailed(version, e.message);
    throw e;
  }
}
