import { describe, expect, it } from 'vitest';
import { meanOfViews, normaliseRows } from '../../src/encoders/embedding-space.js';

describe('the mean of several views', () => {
  it('averages each painting’s view embeddings and puts the mean back on the sphere', () => {
    // Two paintings, 2-d, radius 5: views (5, 0) and (0, 5) → (1, 1)/√2 · 5; views (3, 4) twice → (3, 4).
    const a = Float32Array.of(5, 0, 3, 4);
    const b = Float32Array.of(0, 5, 3, 4);
    const mean = meanOfViews([a, b], 2, 5);
    expect(Array.from(mean).map((x) => +x.toFixed(5))).toEqual([3.53553, 3.53553, 3, 4]);
    expect(meanOfViews([a], 2, 5)).toBe(a);
  });

  it('leaves the raw mean when embeddings are not on a sphere (scale 0)', () => {
    expect(Array.from(meanOfViews([Float32Array.of(1, 2), Float32Array.of(3, 6)], 2, 0))).toEqual([2, 4]);
    expect(normaliseRows(Float32Array.of(3, 4), 2, 0)).toEqual(Float32Array.of(3, 4));
  });
});
