import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { augmentImage } from '../../src/images/augment.js';
import { decodeCropped, loadImageTensorData } from '../../src/images/preprocess.js';
import { Rng } from '../../src/util/random.js';

const OFF = { translate: 0, scale: 1, rotation: 0, flipHorizontal: false, flipVertical: false };

function gradient(size: number): Uint8Array {
  const img = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    img[(y * size + x) * 3] = x * 8;
    img[(y * size + x) * 3 + 1] = y * 8;
    img[(y * size + x) * 3 + 2] = (x + y) * 4;
  }
  return img;
}

describe('preprocess', () => {
  it('crops a wide image at the centre instead of squashing it', async () => {
    // 300×100: red left third, green middle, blue right third.
    const w = 300;
    const raw = Buffer.alloc(w * 100 * 3);
    for (let y = 0; y < 100; y++) for (let x = 0; x < w; x++) raw[(y * w + x) * 3 + (x < 100 ? 0 : x < 200 ? 1 : 2)] = 255;
    const png = await sharp(raw, { raw: { width: w, height: 100, channels: 3 } }).png().toBuffer();
    const px = await decodeCropped(png, 32);
    expect(px.length).toBe(32 * 32 * 3);
    // Every pixel comes from the green middle third.
    for (let i = 0; i < 32 * 32; i++) {
      expect(px[i * 3 + 1]).toBeGreaterThan(200);
      expect(px[i * 3]).toBeLessThan(30);
    }
  });

  it('gives floats in [0, 1] and flattens transparency on white', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const f = await loadImageTensorData(png, 8);
    expect(f.length).toBe(8 * 8 * 3);
    for (const v of f) expect(v).toBeCloseTo(1, 5);
  });

  it('rejects a corrupt file with a code', async () => {
    await expect(decodeCropped(Buffer.from('not an image at all'), 8)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });
});

describe('augmentImage', () => {
  const size = 32;
  const img = gradient(size);

  it('is the identity when every part is off', () => {
    const out = augmentImage(img, size, new Rng(1), OFF);
    out.forEach((v, i) => expect(v).toBeCloseTo(img[i] / 255, 5));
  });

  it('a forced horizontal flip mirrors pixels exactly', () => {
    // Find a seed whose flip draw is "yes".
    for (let seed = 0; seed < 20; seed++) {
      const out = augmentImage(img, size, new Rng(seed), { ...OFF, flipHorizontal: true });
      const flipped = Math.abs(out[0] - img[(size - 1) * 3] / 255) < 1e-6;
      if (!flipped) continue;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
        expect(out[(y * size + x) * 3 + c]).toBeCloseTo(img[(y * size + (size - 1 - x)) * 3 + c] / 255, 5);
      }
      return;
    }
    throw new Error('no seed flipped');
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const a = augmentImage(img, size, new Rng(5));
    expect(augmentImage(img, size, new Rng(5))).toEqual(a);
    expect(augmentImage(img, size, new Rng(6))).not.toEqual(a);
  });

  it('rotating by 180° equals flipping both ways', () => {
    // The angle is drawn from [0, 180]: replay the draws to find a seed whose angle is ≈ 180°.
    let seed = 0;
    let best: Float32Array | null = null;
    for (; seed < 500; seed++) {
      const r = new Rng(seed);
      r.uniform(0, 0); r.uniform(0, 0); r.uniform(0, 0);
      const angle = r.uniform(0, 180);
      if (angle > 179.9) {
        best = augmentImage(img, size, new Rng(seed), { ...OFF, rotation: 180 });
        break;
      }
    }
    expect(best).not.toBeNull();
    let maxErr = 0;
    for (let y = 2; y < size - 2; y++) for (let x = 2; x < size - 2; x++) for (let c = 0; c < 3; c++) {
      const want = img[((size - 1 - y) * size + (size - 1 - x)) * 3 + c] / 255;
      maxErr = Math.max(maxErr, Math.abs(best![(y * size + x) * 3 + c] - want));
    }
    expect(maxErr).toBeLessThan(0.05);
  });
});
