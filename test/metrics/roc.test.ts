import { describe, expect, it } from 'vitest';
import {
  bestAccuracyThreshold,
  equalErrorThreshold,
  referenceThresholds,
  rocAuc,
  rocCurve,
} from '../../src/metrics/roc.js';

describe('referenceThresholds', () => {
  it('spans 0 to 10 in 101 steps of 0.1 without float drift', () => {
    const t = referenceThresholds();
    expect(t).toHaveLength(101);
    expect(t[0]).toBe(0);
    expect(t[3]).toBe(0.3);
    expect(t[100]).toBe(10);
  });
});

describe('rocAuc', () => {
  it('is 1 when every same pair is closer than every different pair', () => {
    expect(rocAuc([0.1, 0.2], [0.5, 0.9, 1.3])).toBe(1);
  });
  it('is 0 when the order is reversed', () => {
    expect(rocAuc([2, 3], [0.5, 1])).toBe(0);
  });
  it('matches a hand count with interleaving and ties', () => {
    // same = [1, 2, 3], different = [2, 4]:
    // (1,2) win, (1,4) win, (2,2) tie, (2,4) win, (3,2) loss, (3,4) win → 4.5 / 6
    expect(rocAuc([1, 2, 3], [2, 4])).toBeCloseTo(4.5 / 6, 12);
  });
  it('is ½ when all distances are equal', () => {
    expect(rocAuc([1, 1, 1], [1, 1])).toBe(0.5);
  });
  it('agrees with the quadratic definition on random data', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = Array.from({ length: 40 }, () => Math.round(rand() * 20) / 4);
    const d = Array.from({ length: 55 }, () => Math.round(rand() * 24) / 4);
    let wins = 0;
    for (const a of s) for (const b of d) wins += a < b ? 1 : a === b ? 0.5 : 0;
    expect(rocAuc(s, d)).toBeCloseTo(wins / (s.length * d.length), 12);
  });
});

describe('rocCurve', () => {
  it('counts pairs at or below each threshold', () => {
    const roc = rocCurve([0.5, 1.5, 2.5, 3.5], [1.5, 4.5], [0, 1, 1.5, 3, 5]);
    expect(roc).toEqual([
      { threshold: 0, tpr: 0, fpr: 0 },
      { threshold: 1, tpr: 0.25, fpr: 0 },
      { threshold: 1.5, tpr: 0.5, fpr: 0.5 },
      { threshold: 3, tpr: 0.75, fpr: 0.5 },
      { threshold: 5, tpr: 1, fpr: 1 },
    ]);
  });
});

describe('thresholds', () => {
  it('best-accuracy threshold separates separable data midway', () => {
    const best = bestAccuracyThreshold([1, 2, 3], [5, 6, 7]);
    expect(best.accuracy).toBe(1);
    expect(best.threshold).toBe(4);
  });
  it('best-accuracy threshold on overlapping data', () => {
    // At t in [2,3): same ≤ t: 2 of 3, diff ≤ t: 0 of 3 → 5/6 correct; no threshold does better.
    const best = bestAccuracyThreshold([1, 2, 4], [3, 5, 6]);
    expect(best.accuracy).toBeCloseTo(5 / 6, 12);
    expect(best.threshold).toBe(2.5);
  });
  it('equal-error threshold balances misses and false alarms', () => {
    const eer = equalErrorThreshold([1, 2, 4, 5], [3, 6, 7, 8]);
    // t = 3: TPR 2/4, FPR 1/4 (gap .25); t = 4: TPR 3/4, FPR 1/4 → miss .25 = false alarm .25.
    expect(eer.threshold).toBe(4);
    expect(eer.eer).toBeCloseTo(0.25, 12);
  });
});
