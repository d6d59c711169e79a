import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { applyView, sourceSide, validateView, viewKey, VIEW_SETS, type ViewSpec } from '../../src/backbone/views.js';

/** A square whose every pixel encodes its own coordinates: R = x, G = y, B = 7. */
function coordinateSquare(side: number): Uint8Array {
  const px = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) px.set([x, y, 7], (y * side + x) * 3);
  return px;
}

function at(img: Uint8Array, side: number, x: number, y: number): number[] {
  return Array.from(img.subarray((y * side + x) * 3, (y * side + x) * 3 + 3));
}

describe('views', () => {
  it('names every view by its definition, stably', () => {
    expect(viewKey({ size: 224 })).toBe('s224');
    expect(viewKey({ size: 224, flip: true })).toBe('s224-h');
    expect(viewKey({ size: 448, crop: { scale: 0.5, x: 1, y: 0 }, rotate: 90, affineSeed: 3 })).toBe('s448-c0.5@1,0-r90-a3');
    // A full-size "crop" is the whole square.
    expect(viewKey({ size: 224, crop: { scale: 1, x: 0, y: 0 } })).toBe('s224');
    const keys = Object.values(VIEW_SETS).flat().map(viewKey);
    for (const set of Object.values(VIEW_SETS)) expect(new Set(set.map(viewKey)).size).toBe(set.length);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('refuses sizes, crops and rotations it cannot produce', () => {
    expect(() => validateView({ size: 100 })).toThrow(/multiple of 32/);
    expect(() => validateView({ size: 224, crop: { scale: 0, x: 0, y: 0 } })).toThrow(/crop scale/);
    expect(() => validateView({ size: 224, crop: { scale: 0.5, x: 2, y: 0 } })).toThrow(/position/);
    expect(() => validateView({ size: 224, rotate: 45 as 90 })).toThrow(/right angle/);
  });

  it('cuts the window, mirrors and rotates exactly', () => {
    const v: ViewSpec = { size: 32, crop: { scale: 0.5, x: 1, y: 0 } };
    expect(sourceSide(v)).toBe(64);
    const src = coordinateSquare(64);
    const crop = applyView(src, v);
    // The top-right 32×32 quarter of the 64 px square.
    expect(at(crop, 32, 0, 0)).toEqual([32, 0, 7]);
    expect(at(crop, 32, 31, 31)).toEqual([63, 31, 7]);
    const mirrored = applyView(src, { ...v, flip: true });
    expect(at(mirrored, 32, 0, 0)).toEqual([63, 0, 7]);
    // Clockwise 90°: the window's bottom-left corner comes to the top-left.
    const rotated = applyView(src, { ...v, rotate: 90 });
    expect(at(rotated, 32, 0, 0)).toEqual([32, 31, 7]);
    expect(at(rotated, 32, 31, 0)).toEqual([32, 0, 7]);
    const half = applyView(coordinateSquare(32), { size: 32, rotate: 180 });
    expect(at(half, 32, 0, 0)).toEqual([31, 31, 7]);
  });

  it('draws the reference augmentation deterministically from its seed and the image', () => {
    const src = coordinateSquare(64);
    const a = applyView(src, { size: 64, affineSeed: 1 });
    expect(applyView(src, { size: 64, affineSeed: 1 })).toEqual(a);
    expect(applyView(src, { size: 64, affineSeed: 2 })).not.toEqual(a);
    expect(a).not.toEqual(src);
    // Another image draws another transform from the same seed.
    const other = coordinateSquare(64).map((v, i) => (i % 3 === 2 ? 200 : v));
    const b = applyView(other, { size: 64, affineSeed: 1 });
    let moved = 0;
    for (let i = 0; i < a.length; i += 3) if (a[i] !== b[i] || a[i + 1] !== b[i + 1]) moved++;
    expect(moved).toBeGreaterThan(0);
  });

  it('decodes a file as any view, the whole square being the plain decode', async () => {
    const file = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .composite([{ input: await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 250, g: 0, b: 0 } } }).png().toBuffer(), left: 60, top: 20 }])
      .png()
      .toBuffer();
    const whole = await decodeSquareRgb(file, 64);
    expect((await decodeSquareRgb(file, 64, { view: { size: 64 } })).data).toEqual(whole.data);
    const up = await decodeSquareRgb(file, 128, { view: { size: 128 } });
    expect(up.data.length).toBe(128 * 128 * 3);
    const crop = await decodeSquareRgb(file, 64, { view: { size: 64, crop: { scale: 0.5, x: 0, y: 0 } } });
    // The red block lies inside the top-left quarter of the centre square: twice as close, it
    // covers four times the share of the pixels.
    const redShare = (px: Uint8Array) => {
      let red = 0;
      for (let i = 0; i < px.length; i += 3) if (px[i] > 200 && px[i + 2] < 60) red++;
      return red / (px.length / 3);
    };
    expect(redShare(whole.data)).toBeGreaterThan(0.02);
    expect(redShare(crop.data) / redShare(whole.data)).toBeCloseTo(4, 0);
    await expect(decodeSquareRgb(file, 64, { view: { size: 128 } })).rejects.toThrow(/128 px decoded at 64/);
  });
});
