/**
 * A saved model version is a folder: model.json + weights.bin (the network), manifest.json (what
 * it is and how it was trained), metrics.json (per-epoch history). Later steps load it by version.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { writeJsonAtomic } from '../util/files.js';
import type { FeatureTransform } from './feature-transform.js';
import type { PresetName } from './presets.js';
import type { DecodeSpec } from '../inference/decode-spec.js';
import { backboneIdOf, LEGACY_BACKBONE_SPEC, type FeatureSpec } from '../backbone/spec.js';
import { BASE_VIEW, type ViewSpec } from '../backbone/views.js';

/** The model exported to ONNX (see onnx/export-model.ts). */
export interface OnnxArtifact {
  file: string;
  sha256: string;
  bytes: number;
  /** How images are decoded into the graph's input. */
  decode: DecodeSpec;
  exportedAt: string;
}

export const MANIFEST_JSON = 'manifest.json';

export interface ModelManifest {
  version: number;
  preset: PresetName;
  kind: 'cnn' | 'head';
  inputSize: number;
  embeddingDim: number;
  embeddingScale: number;
  /**
   * For head models: the frozen backbone or backbones (the spec: one backbone, or a combination
   * whose blocks are named `<variant>/<block>`; absent in models saved before it was recorded) and
   * how its features feed the head (featureTransform.use: exactly the blocks the head reads).
   */
  backbone?: { id: string; spec?: FeatureSpec; featureTransform: FeatureTransform };
  /** Head models that fine-tune the backbone: the cut whose cached activation the model's first input is. */
  fineTune?: { from: string };
  /** Present once the model has been exported to ONNX. */
  onnx?: OnnxArtifact;
  /** The full training configuration (see training/config.ts). */
  training: Record<string, unknown>;
  datasetId: number | null;
  backend: string;
  createdAt: string;
}

/** The backbone a head model's features come from; its id must match the recorded one. */
export function backboneSpecOf(manifest: ModelManifest): FeatureSpec {
  if (!manifest.backbone) throw new PainterError('MODEL_CORRUPT', `Model v${manifest.version} is a head model without its backbone`, { version: manifest.version });
  const spec = manifest.backbone.spec ?? LEGACY_BACKBONE_SPEC;
  let id: string;
  try {
    id = backboneIdOf(spec);
  } catch (e) {
    throw new PainterError('MODEL_CORRUPT', `Model v${manifest.version} records a backbone spec no backbone computes: ${(e as Error).message}`, { version: manifest.version }, { cause: e });
  }
  if (id !== manifest.backbone.id) {
    throw new PainterError('MODEL_CORRUPT', `Model v${manifest.version} was trained on backbone features ${manifest.backbone.id}, which its manifest's spec does not reproduce`, { version: manifest.version });
  }
  return spec;
}

export async function writeManifest(dir: string, manifest: ModelManifest): Promise<void> {
  await writeJsonAtomic(join(dir, MANIFEST_JSON), manifest);
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST_JSON), 'utf8')) as ModelManifest;
  } catch (e) {
    throw new PainterError('MODEL_CORRUPT', `Cannot read ${join(dir, MANIFEST_JSON)}: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/**
 * The views of a painting whose embeddings are averaged into its embedding (test-time
 * augmentation): the model's `embedViews`, or the base view alone for models without them.
 */
export function embedViewsOf(manifest: ModelManifest): ViewSpec[] {
  const views = (manifest.training as { embedViews?: ViewSpec[] }).embedViews;
  return views && views.length > 0 ? views : [BASE_VIEW];
}
