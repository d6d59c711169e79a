/**
 * A backbone's feature graph as an ONNX file per view size, kept beside the feature cache
 * (`<cacheDir>/<backboneId>/graph-<size>.onnx`, with its row layout in a sidecar JSON). Built once
 * from the bundled Keras weights on tfjs, then run by ONNX Runtime; a file that fails its
 * checksum is rebuilt.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportBackboneFeaturesToOnnx } from '../onnx/export-backbone-features.js';
import { sha256, sha256File, writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { ensureBackend } from './ensure-backend.js';
import { backboneIdOf, backboneLayout, type BackboneSpec } from './features.js';
import { nsfwjsIOHandler } from './nsfwjs-bundle.js';
import type { FeatureLayout } from './runner.js';

export interface FeatureGraph {
  path: string;
  size: number;
  layout: FeatureLayout;
}

interface Sidecar extends FeatureLayout {
  backboneId: string;
  size: number;
  sha256: string;
}

export function backboneDir(cacheDir: string, spec: BackboneSpec): string {
  return join(cacheDir, backboneIdOf(spec));
}

/** One build at a time per file in this process (concurrent callers share it). */
const building = new Map<string, Promise<FeatureGraph>>();

export function featureGraph(cacheDir: string, spec: BackboneSpec, size: number): Promise<FeatureGraph> {
  const path = join(backboneDir(cacheDir, spec), `graph-${size}.onnx`);
  let pending = building.get(path);
  if (!pending) {
    pending = ensureGraph(path, spec, size).finally(() => building.delete(path));
    building.set(path, pending);
  }
  return pending;
}

async function ensureGraph(path: string, spec: BackboneSpec, size: number): Promise<FeatureGraph> {
  const sidecarPath = `${path}.json`;
  const sidecar = await readFile(sidecarPath, 'utf8').then((t) => JSON.parse(t) as Sidecar, () => null);
  if (sidecar && sidecar.backboneId === backboneIdOf(spec) && sidecar.size === size && (await sha256File(path).catch(() => null)) === sidecar.sha256) {
    return { path, size, layout: { dim: sidecar.dim, blocks: sidecar.blocks } };
  }
  await ensureBackend();
  // Built for the size itself: the tapped layers' spatial sizes (the Gram's divisor) are exact.
  const keras = await tf.loadLayersModel(nsfwjsIOHandler(spec.variant, { inputSize: size }));
  let bytes: Uint8Array;
  let layout: FeatureLayout;
  try {
    bytes = exportBackboneFeaturesToOnnx(keras, spec, size);
    layout = backboneLayout(spec, keras);
  } finally {
    keras.dispose();
  }
  await writeFileAtomic(path, bytes);
  await writeJsonAtomic(sidecarPath, { backboneId: backboneIdOf(spec), size, sha256: sha256(bytes), ...layout } satisfies Sidecar);
  return { path, size, layout };
}
