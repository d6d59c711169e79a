/**
 * Builds an Encoder from a saved model folder, or one of the baselines that trained models are
 * compared against.
 */
import type { Instruments } from '../instruments.js';
import { buildCnn, buildHead } from './architectures.js';
import { backboneCacheDir, DEFAULT_FEATURE_BLOCKS } from './backbone-defaults.js';
import { BackboneFeatureEncoder, CnnEncoder, FineTunedEncoder, HeadEncoder, type BackboneOptions, type Encoder } from './encoder.js';
import { loadLayersModel } from './model-files.js';
import { backboneSpecOf, embedViewsOf, readManifest, type ModelManifest } from './model-manifest.js';
import { DEFAULT_BACKBONE_SPEC, type FeatureSpec } from '../backbone/spec.js';
import { PainterError } from '../errors.js';
import type { DecodePool } from '../inference/decode-pool.js';
import { OnnxEncoder } from '../inference/onnx-encoder.js';
import { verifiedOnnx } from '../onnx/export-model.js';
import type { InferenceRuntime } from '../config.js';
import { getPreset } from './presets.js';
import { fitFeatureTransform, transformedDim } from './feature-transform.js';

/** The backbone (tfjs model files, worker pool) is loaded only when a preset needs it. */
const loadBackbone = () => import('../backbone/extract.js');

export interface EncoderEnvironment {
  cacheDir: string;
  workers?: number;
  /**
   * Serve features from a backbone kept loaded instead of a pool per call (no cache); called only
   * when a model on tfjs needs backbone features, so an ONNX-served model never starts one.
   */
  resident?: (spec: FeatureSpec) => Promise<NonNullable<BackboneOptions['resident']>>;
  /** ONNX Runtime serving; without it (or with runtime 'tfjs') models run on tfjs. */
  inference?: InferenceEnvironment;
}

export interface InferenceEnvironment {
  /** auto: ONNX Runtime where the model has a verified ONNX export, tfjs otherwise. */
  runtime: InferenceRuntime;
  decodePool(): Promise<DecodePool>;
  sessions?: number;
  threads?: number;
  maxBatch?: number;
  windowMs?: number;
  instruments?: Instruments;
}

/** An ONNX-served encoder when the model has a verified export and the runtime allows it; null for tfjs. */
async function onnxEncoder(dir: string, manifest: ModelManifest, name: string, env: InferenceEnvironment | undefined): Promise<Encoder | null> {
  if (!env || env.runtime === 'tfjs') return null;
  const onnx = await verifiedOnnx(dir, manifest);
  if (!onnx) {
    if (env.runtime === 'onnx') {
      throw new PainterError('MODEL_CORRUPT', `Model v${manifest.version} has no usable ONNX export in ${dir}: run \`painter export ${manifest.version}\``, { version: manifest.version });
    }
    return null;
  }
  return OnnxEncoder.create({
    name: `${name} onnx`,
    modelPath: onnx.path,
    dim: manifest.embeddingDim,
    decode: onnx.artifact.decode,
    decodePool: await env.decodePool(),
    sessions: env.sessions,
    threads: env.threads,
    maxBatch: env.maxBatch,
    windowMs: env.windowMs,
    instruments: env.instruments,
  });
}

async function backboneOptions(env: EncoderEnvironment, spec: FeatureSpec = DEFAULT_BACKBONE_SPEC): Promise<BackboneOptions> {
  return env.resident
    ? { spec, resident: await env.resident(spec) }
    : { spec, cacheDir: backboneCacheDir(env.cacheDir), workers: env.workers, runtime: env.inference?.runtime === 'tfjs' ? 'tfjs' : 'onnx' };
}

export async function loadEncoder(dir: string, env: EncoderEnvironment): Promise<Encoder> {
  const manifest = await readManifest(dir);
  const name = `v${manifest.version} (${manifest.preset})`;
  const served = await onnxEncoder(dir, manifest, name, env.inference);
  if (served) return served;
  const model = await loadLayersModel(dir);
  if (manifest.kind === 'head') {
    const spec = backboneSpecOf(manifest);
    const options = await backboneOptions(env, spec);
    const views = embedViewsOf(manifest);
    if (manifest.fineTune) return new FineTunedEncoder(name, model, manifest.backbone!.featureTransform, `${manifest.fineTune.from}.act`, manifest.embeddingScale, options, views);
    return new HeadEncoder(name, model, manifest.backbone!.featureTransform, manifest.embeddingScale, options, views);
  }
  return new CnnEncoder(name, model, manifest.inputSize, manifest.embeddingScale);
}

export type BaselineName = 'untrained' | 'backbone';

/**
 * - `untrained`: the preset's network with its seeded random initial weights;
 * - `backbone`: the frozen pretrained features the `pretrained` head is trained on, without the head.
 */
export async function baselineEncoder(baseline: BaselineName, presetName: string, seed: number, env: EncoderEnvironment): Promise<Encoder> {
  const preset = getPreset(presetName);
  if (baseline === 'backbone') {
    return new BackboneFeatureEncoder('baseline: frozen backbone features', DEFAULT_FEATURE_BLOCKS, preset.embeddingScale, await backboneOptions(env));
  }
  if (preset.kind === 'cnn') {
    const model = buildCnn({ inputSize: preset.inputSize, blocks: preset.blocks!, embeddingDim: preset.embeddingDim, seed });
    return new CnnEncoder(`baseline: untrained ${preset.name}`, model, preset.inputSize, preset.embeddingScale);
  }
  // An untrained head needs the feature width: probe it on no images costs nothing but the model load.
  const probe = await (await loadBackbone()).extractBackboneFeatures([], await backboneOptions(env));
  const transform = { ...fitFeatureTransform(new Float32Array(0), probe.dim, probe.blocks, DEFAULT_FEATURE_BLOCKS, false) };
  const head = buildHead({ inputDim: transformedDim(transform), hidden: preset.hidden ?? [], embeddingDim: preset.embeddingDim, seed });
  return new HeadEncoder(`baseline: untrained ${preset.name} head`, head, transform, preset.embeddingScale, await backboneOptions(env));
}
