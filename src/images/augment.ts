/**
 * The reference augmentation, applied to a square HWC RGB image as ONE resampling pass: a random
 * affine (translation up to 0.2 of the size on each axis, zoom by a factor in [1/1.2, 1.2],
 * rotation uniform in 0–180°), then horizontal and vertical flips with probability ½ each — all
 * composed into a single inverse map sampled bilinearly. Pixels mapped from outside the image are
 * reflected back in: a constant border would teach the encoder a black frame that no real
 * painting has. Written by hand because no maintained JS library offers seeded affine
 * augmentation on raw arrays; it is a few dozen lines.
 */
import type { Rng } from '../util/random.js';

export interface AugmentOptions {
  translate?: number;
  /** Maximum zoom factor s: the zoom is drawn from [1/s, s]. */
  scale?: number;
  /** Maximum rotation in degrees, drawn uniformly from [0, rotation]. */
  rotation?: number;
  flipHorizontal?: boolean;
  flipVertical?: boolean;
}

export const REFERENCE_AUGMENTATION: Required<AugmentOptions> = {
  translate: 0.2,
  scale: 1.2,
  rotation: 180,
  flipHorizontal: true,
  flipVertical: true,
};

function reflect(v: number, n: number): number {
  // Reflection about the pixel edges, period 2n.
  const period = 2 * n;
  let m = v % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** Returns a new float image in [0, 1] (input bytes are divided by 255). */
export function augmentImage(src: Uint8Array | Float32Array, size: number, rng: Rng, options: AugmentOptions = REFERENCE_AUGMENTATION): Float32Array {
  const o = { ...REFERENCE_AUGMENTATION, ...options };
  const norm = src instanceof Uint8Array ? 1 / 255 : 1;
  // Every parameter is drawn whether or not it is used, so options never shift later draws.
  const tx = rng.uniform(-o.translate, o.translate) * size;
  const ty = rng.uniform(-o.translate, o.translate) * size;
  const logS = Math.log(Math.max(o.scale, 1));
  const zoom = Math.exp(rng.uniform(-logS, logS));
  const angle = (rng.uniform(0, o.rotation) * Math.PI) / 180;
  const fh = o.flipHorizontal && rng.bool() ? -1 : 1;
  const fv = o.flipVertical && rng.bool() ? -1 : 1;

  // Forward map about the centre c: out = R·Z·F·(in − c) + c + t. Invert it per output pixel.
  const c = (size - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - c - tx;
      const dy = y - c - ty;
      // Inverse rotation, then inverse zoom, then the flips (their own inverses).
      const sx = ((cos * dx + sin * dy) / zoom) * fh + c;
      const sy = ((-sin * dx + cos * dy) / zoom) * fv + c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const ax = sx - x0;
      const ay = sy - y0;
      const xa = reflect(x0, size);
      const xb = reflect(x0 + 1, size);
      const ya = reflect(y0, size);
      const yb = reflect(y0 + 1, size);
      const o00 = (ya * size + xa) * 3;
      const o01 = (ya * size + xb) * 3;
      const o10 = (yb * size + xa) * 3;
      const o11 = (yb * size + xb) * 3;
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      const t = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        out[t + ch] = (src[o00 + ch] * w00 + src[o01 + ch] * w01 + src[o10 + ch] * w10 + src[o11 + ch] * w11) * norm;
      }
    }
  }
  return out;
}
