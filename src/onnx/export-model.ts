/**
 * Exports a saved model version to ONNX beside its tfjs files (`encoder.onnx`) and records the
 * file's checksum and the decoding it expects in the manifest. Serving and indexing then run it
 * with ONNX Runtime; a model without the file (or whose file fails its checksum) falls back to tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';

import { nsfwjsIOHandler } from '../backbone/nsfwjs-bundle.js';
import { backbonesOf } from '../backbone/spec.js';
import { BASE_VIEW, viewKey, type ViewSpec } from '../backbone/views.js';
import { loadLayersModel } from '../encoders/model-files.js';
import { backboneSpecOf, embedViewsOf, readManifest, writeManifest, type ModelManifest, type OnnxArtifact } from '../encoders/model-manifest.js';
import { PainterError } from '../errors.js';
import type { DecodeSpec } from '../inference/decode-spec.js';
import { sha256, sha256File, writeFileAtomic } from '../util/files.js';
import { exportToOnnx } from './export-encoder.js';
import { exportFineTunedPipelineToOnnx, exportHeadPipelineToOnnx } from './export-head-pipeline.js';

export const ONNX_FILE = 'encoder.onnx';

/** The decoding a model's ONNX graph takes its pixels in. */
export function decodeSpecOf(manifest: ModelManifest): DecodeSpec {
  // A head reads the backbone features of the base view, whatever backbones compute them.
  return manifest.kind === 'head' ? { kind: 'square-bytes', size: BASE_VIEW.size } : { kind: 'crop-unit', size: manifest.inputSize };
}

/** ONNX bytes of a saved model (a tfjs backend must be ready). */
export async function buildOnnx(dir: string, manifest: ModelManifest): Promise<Uint8Array> {
  const model = await loadLayersModel(dir);
  try {
    if (manifest.kind === 'cnn') return exportToOnnx(model, { embeddingScale: manifest.embeddingScale });
    const spec = backboneSpecOf(manifest);
    const backbones: tf.LayersModel[] = [];
    try {
      for (const part of backbonesOf(spec)) backbones.push(await tf.loadLayersModel(nsfwjsIOHandler(part.variant, { inputSize: BASE_VIEW.size })));
      const parts = {
        backbone: backbones,
        spec,
        transform: manifest.backbone!.featureTransform,
        head: model,
        embeddingScale: manifest.embeddingScale,
        inputSize: BASE_VIEW.size,
        mirrored: mirroredEmbedding(embedViewsOf(manifest)),
      };
      if (manifest.fineTune) return exportFineTunedPipelineToOnnx({ ...parts, from: manifest.fineTune.from });
      return exportHeadPipelineToOnnx(parts);
    } finally {
      for (const b of backbones) b.dispose();
    }
  } finally {
    model.dispose();
  }
}

/**
 * Whether the embedding views are the base view and its mirror image, which the graph computes
 * from the base view's pixels; other views would need their own decoding, so such a model is not
 * exported (it serves on tfjs).
 */
function mirroredEmbedding(views: readonly ViewSpec[]): boolean {
  const plain = (v: ViewSpec) => v.size === BASE_VIEW.size && !v.crop && !v.rotate && v.affineSeed === undefined;
  if (views.length === 1 && plain(views[0]) && !views[0].flip) return false;
  if (views.length === 2 && views.every(plain) && !views[0].flip && views[1].flip) return true;
  throw new Error(`Cannot export: embedding views ${views.map(viewKey).join(', ')} (the graph computes the base view and its mirror image only)`);
}

/** Writes `encoder.onnx` into the model folder and records it in the manifest. */
export async function exportSavedModel(dir: string): Promise<OnnxArtifact> {
  const manifest = await readManifest(dir);
  const bytes = await buildOnnx(dir, manifest);
  await writeFileAtomic(join(dir, ONNX_FILE), bytes);
  const artifact: OnnxArtifact = { file: ONNX_FILE, sha256: sha256(bytes), bytes: bytes.byteLength, decode: decodeSpecOf(manifest), exportedAt: new Date().toISOString() };
  await writeManifest(dir, { ...manifest, onnx: artifact });
  return artifact;
}

/** The model's ONNX file if it exists and matches its recorded checksum; null means "use tfjs". */
export async function verifiedOnnx(dir: string, manifest: ModelManifest): Promise<{ path: string; artifact: OnnxArtifact } | null> {
  const artifact = manifest.onnx;
  if (!artifact) return null;
  const path = join(dir, artifact.file);
  if ((await sha256File(path).catch(() => null)) !== artifact.sha256) return null;
  return { path, artifact };
}
