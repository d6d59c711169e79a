import { describe, expect, it } from 'vitest';
import { calibratedThreshold, fitDistanceCalibration, probabilitySame, sigmoid } from '../../src/metrics/calibration.js';
import { Rng } from '../../src/util/random.js';

describe('distance calibration', () => {
  it('recovers the logistic model the distances were drawn from', () => {
    // Balanced pairs whose labels follow P(same | d) = σ(6 − 1.5 d) exactly in expectation.
    const truth = { intercept: 6, slope: -1.5 };
    const rng = new Rng(3);
    const same: number[] = [];
    const different: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      const d = rng.uniform(0, 8);
      (rng.next() < probabilitySame(truth, d) ? same : different).push(d);
    }
    // Re-weighting to balanced classes shifts the intercept by log(n_diff / n_same).
    const c = fitDistanceCalibration(same, different);
    expect(c.slope).toBeCloseTo(truth.slope, 1);
    expect(c.intercept - Math.log(different.length / same.length)).toBeCloseTo(truth.intercept, 0);
  });

  it('puts P = ½ between two overlapping distributions and stays finite when they separate', () => {
    const c = fitDistanceCalibration([1, 2, 3, 4], [3, 4, 5, 6]);
    expect(calibratedThreshold(c)).toBeCloseTo(3.5, 5);
    expect(probabilitySame(c, 1)).toBeGreaterThan(0.9);
    expect(probabilitySame(c, 6)).toBeLessThan(0.1);
    const separated = fitDistanceCalibration([1, 1.5], [5, 6]);
    expect(Number.isFinite(separated.slope)).toBe(true);
    expect(probabilitySame(separated, 1)).toBeGreaterThan(0.99);
  });

  it('sigmoid is stable for large arguments', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
});
