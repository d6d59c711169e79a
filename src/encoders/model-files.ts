/**
 * Reads and writes tfjs models and named tensors as plain files (model.json + weights.bin), the
 * tfjs "layers-model" format, without the tfjs-node file handler (which may not be installed).
 */
import * as tf from '@tensorflow/tfjs';

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
// Saved models may hold it; it must be registered before one is loaded.
import './block-normalization.js';

/** A tensor with the name it is stored under (tfjs's own type is not exported by the umbrella package). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = concatBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
      await writeJsonAtomic(join(dir, MODEL_JSON), {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  let json: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  let weights: Buffer;
  try {
    json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8'));
    weights = await readFile(join(dir, WEIGHTS_BIN));
  } catch (e) {
    throw new PainterError('MODEL_CORRUPT', `Cannot read the model in ${dir}: ${(e as Error).message}`, undefined, { cause: e });
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.byteLength !== expected) {
    throw new PainterError('MODEL_CORRUPT', `${join(dir, WEIGHTS_BIN)} holds ${weights.byteLength} bytes, expected ${expected}`);
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

/** Saves named tensors (e.g. optimizer moments) as `<name>.json` + `<name>.bin`. */
export async function saveNamedTensors(tensors: NamedTensor[], dir: string, name: string): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await writeFileAtomic(join(dir, `${name}.bin`), new Uint8Array(data));
  await writeJsonAtomic(join(dir, `${name}.json`), specs);
}

export async function loadNamedTensors(dir: string, name: string): Promise<NamedTensor[]> {
  const specs = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as tf.io.WeightsManifestEntry[];
  const buf = await readFile(join(dir, `${name}.bin`));
  const map = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
