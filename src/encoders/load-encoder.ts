/**
 * Builds an Encoder from a saved model folder, or one of the baselines that trained models are
 * compared against.
 */
import { buildCnn, buildHead } from './architectures.js';
import { backboneCacheFile, DEFAULT_FEATURE_BLOCKS } from './backbone-defaults.js';
import { BackboneFeatureEncoder, CnnEncoder, HeadEncoder, type BackboneOptions, type Encoder } from './encoder.js';
import { loadLayersModel } from './model-files.js';
import { readManifest } from './model-manifest.js';
import { getPreset } from './presets.js';
import { fitFeatureTransform, transformedDim } from './feature-transform.js';

/** The backbone (tfjs model files, worker pool) is loaded only when a preset needs it. */
const loadBackbone = () => import('../backbone/extract.js');

export interface EncoderEnvironment {
  cacheDir: string;
  workers?: number;
  /** Serve features from this loaded backbone instead of a pool per call (no cache). */
  resident?: BackboneOptions['resident'];
}

function backboneOptions(env: EncoderEnvironment): BackboneOptions {
  return env.resident ? { resident: env.resident } : { cacheFile: backboneCacheFile(env.cacheDir), workers: env.workers };
}

export async function loadEncoder(dir: string, env: EncoderEnvironment): Promise<Encoder> {
  const manifest = await readManifest(dir);
  const model = await loadLayersModel(dir);
  const name = `v${manifest.version} (${manifest.preset})`;
  if (manifest.kind === 'head') {
    if (!manifest.backbone) throw new RangeError(`${dir}: a head model needs its backbone feature transform`);
    return new HeadEncoder(name, model, manifest.backbone.featureTransform, manifest.embeddingScale, backboneOptions(env));
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
    return new BackboneFeatureEncoder('baseline: frozen backbone features', DEFAULT_FEATURE_BLOCKS, preset.embeddingScale, backboneOptions(env));
  }
  if (preset.kind === 'cnn') {
    const model = buildCnn({ inputSize: preset.inputSize, blocks: preset.blocks!, embeddingDim: preset.embeddingDim, seed });
    return new CnnEncoder(`baseline: untrained ${preset.name}`, model, preset.inputSize, preset.embeddingScale);
  }
  // An untrained head needs the feature width: probe it on no images costs nothing but the model load.
  const probe = await (await loadBackbone()).extractBackboneFeatures([], backboneOptions(env));
  const transform = { ...fitFeatureTransform(new Float32Array(0), probe.dim, probe.blocks, DEFAULT_FEATURE_BLOCKS, false) };
  const head = buildHead({ inputDim: transformedDim(transform), hidden: preset.hidden ?? [], embeddingDim: preset.embeddingDim, seed });
  return new HeadEncoder(`baseline: untrained ${preset.name} head`, head, transform, preset.embeddingScale, backboneOptions(env));
}
