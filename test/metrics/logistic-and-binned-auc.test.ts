import { describe, expect, it } from 'vitest';
import { BinnedAuc } from '../../src/metrics/binned-auc.js';
import { fitLogistic, logisticLogit } from '../../src/metrics/logistic.js';
import { rocAuc } from '../../src/metrics/roc.js';
import { Rng } from '../../src/util/random.js';

describe('fitLogistic', () => {
  it('recovers the weights of data drawn from a logistic model, classes balanced', () => {
    const rng = new Rng(3);
    const n = 20_000;
    const x = new Float64Array(n * 2);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x[2 * i] = rng.uniform(-2, 2);
      x[2 * i + 1] = rng.uniform(-2, 2);
      const z = 0.5 + 2 * x[2 * i] - 1 * x[2 * i + 1];
      y.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    }
    const m = fitLogistic(x, 2, y, 1e-6);
    // Back in raw units: logit = b + Σ w_j (x_j − μ_j)/s_j; classes are reweighted equally, which moves the intercept only.
    const w0 = m.weights[0] / m.scale[0];
    const w1 = m.weights[1] / m.scale[1];
    expect(w0).toBeCloseTo(2, 0.5);
    expect(w1).toBeCloseTo(-1, 0.5);
    expect(logisticLogit(m, [1, 0]) - logisticLogit(m, [0, 0])).toBeCloseTo(2, 0.5);
  });

  it('keeps the classes\' own frequencies when not balanced: the intercept of the drawing model comes back too', () => {
    const rng = new Rng(4);
    const n = 20_000;
    const x = new Float64Array(n);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x[i] = rng.uniform(-2, 2);
      y.push(rng.next() < 1 / (1 + Math.exp(-(-1.5 + 2 * x[i]))) ? 1 : 0);
    }
    const m = fitLogistic(x, 1, y, 1e-6, false);
    expect(logisticLogit(m, [0])).toBeCloseTo(-1.5, 0.5);
    expect(logisticLogit(m, [1]) - logisticLogit(m, [0])).toBeCloseTo(2, 0.5);
    // Balanced, the intercept moves towards an equal prior (the positives are the rarer class here).
    expect(logisticLogit(fitLogistic(x, 1, y, 1e-6), [0])).toBeGreaterThan(logisticLogit(m, [0]) + 0.2);
  });

  it('refuses one class only', () => {
    expect(() => fitLogistic(Float64Array.of(1, 2), 1, [1, 1])).toThrow(RangeError);
  });
});

describe('BinnedAuc', () => {
  it('equals the exact AUC of scores with six decimals, ties counted half', () => {
    const rng = new Rng(9);
    const pos = Array.from({ length: 3000 }, () => Math.round(Math.min(1, Math.max(0, rng.uniform(0.2, 1))) * 1e6) / 1e6);
    const neg = Array.from({ length: 3000 }, () => Math.round(Math.min(1, Math.max(0, rng.uniform(0, 0.8))) * 1e6) / 1e6);
    pos.push(0.5, 0.5);
    neg.push(0.5);
    const b = new BinnedAuc();
    for (const p of pos) b.add(p, true);
    for (const q of neg) b.add(q, false);
    // rocAuc reads distances (smaller = same); negate the probabilities.
    expect(b.auc()).toBeCloseTo(rocAuc(pos.map((p) => -p), neg.map((q) => -q)), 10);
    expect(new BinnedAuc(10).auc()).toBeNaN();
  });
});
