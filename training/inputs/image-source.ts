/**
 * Input source over decoded, centre-cropped images held in memory as bytes (10k images at 64 px
 * take ~120 MB). Training applies the reference augmentation per draw; evaluation does not.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentImage } from '../../src/images/augment.js';
import { decodeCropped } from '../../src/images/preprocess.js';
import type { Rng } from '../../src/util/random.js';
import type { InputSource } from '../input-source.js';

export class ImageSource implements InputSource {
  constructor(
    private readonly images: Uint8Array[],
    readonly imageSize: number,
  ) {}

  get size(): number {
    return this.images.length;
  }

  tensor(indices: readonly number[], rng?: Rng): tf.Tensor4D {
    const s = this.imageSize;
    const pixels = s * s * 3;
    const out = new Float32Array(indices.length * pixels);
    indices.forEach((item, r) => {
      const img = this.images[item];
      if (rng) out.set(augmentImage(img, s, rng), r * pixels);
      else for (let k = 0; k < pixels; k++) out[r * pixels + k] = img[k] / 255;
    });
    return tf.tensor4d(out, [indices.length, s, s, 3]);
  }

  dispose(): void {}
}

/** Decodes files with bounded concurrency (sharp works in libuv's thread pool). */
export async function decodeImages(
  paths: string[],
  size: number,
  onProgress?: (done: number, total: number) => void,
  concurrency = 8,
): Promise<Uint8Array[]> {
  const out = new Array<Uint8Array>(paths.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < paths.length) {
      const i = next++;
      out[i] = await decodeCropped(paths[i], size);
      onProgress?.(++done, paths.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}
