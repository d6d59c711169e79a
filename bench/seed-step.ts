/**
 * One training step of the reference (`seed`) network at its full 256 px input, on this machine's
 * CPU. Usage: npx tsx bench/seed-step.ts [backend=cpu] [batch=3]
 * The wasm backend's 32-bit heap is too small for the activations at 256 px; the JS backend works.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../src/compute/backend.js';
import { buildCnn } from '../src/encoders/architectures.js';
import { toEmbeddingSpace } from '../src/encoders/embedding-space.js';
import { PRESETS } from '../src/encoders/presets.js';
import { tripletLoss } from '../training/losses.js';

const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'wasm';
const batch = Number(process.argv[3] ?? 3);
const info = await initBackend(backend);
console.log(describeBackend(info));
const model = buildCnn({ inputSize: 256, blocks: PRESETS.seed.blocks!, seed: 1 });
console.log(`seed network: ${model.countParams().toLocaleString()} parameters, output ${model.outputs[0].shape}`);
const x = tf.randomUniform([batch, 256, 256, 3], 0, 1, 'float32', 7);
const optimizer = tf.train.adam(1e-3);
const started = performance.now();
const cost = optimizer.minimize(() => {
  const e = toEmbeddingSpace(model.apply(x, { training: true }) as tf.Tensor2D, 5);
  const [a, p, n] = tf.split(e, 3, 0) as tf.Tensor2D[];
  return tripletLoss(a, p, n, 2);
}, true);
const loss = (await cost!.data())[0];
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ backend: info.name, batch, loss, seconds, imagesPerSecond: batch / seconds }));
