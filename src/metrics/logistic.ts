/**
 * Logistic regression on a few features, P(y = 1 | x) = σ(b + w·x), fitted by Newton's method
 * with a small ridge penalty on w (so separable data still gives finite weights). By default the
 * two classes are weighted equally (the probability is for an equal prior); `balanced: false`
 * keeps the rows' own class frequencies. The open-set detector uses it; the one-feature distance calibration in
 * calibration.ts is the special case kept there. Written here because it is a handful of features
 * and twenty Newton steps: no library is worth the dependency.
 */
import { sigmoid } from './calibration.js';

export interface LogisticModel {
  intercept: number;
  weights: number[];
  /** Features are standardised with these before the weights apply (fitted on the training rows). */
  mean: number[];
  scale: number[];
}

/** `rows` holds n rows of `f` features; `labels` n zeros and ones. */
export function fitLogistic(rows: Float64Array, f: number, labels: ArrayLike<number>, ridge = 1e-3, balanced = true): LogisticModel {
  const n = labels.length;
  if (rows.length !== n * f) throw new RangeError(`${rows.length} values for ${n} rows of ${f} features`);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] ? 1 : 0;
  if (positives === 0 || positives === n) throw new RangeError('a logistic fit needs rows of both classes');
  const mean = new Array<number>(f).fill(0);
  const scale = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += rows[i * f + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) scale[j] += (rows[i * f + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < f; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const wPos = balanced ? 0.5 / positives : 1 / n;
  const wNeg = balanced ? 0.5 / (n - positives) : 1 / n;

  const p = f + 1; // parameters: intercept, then the weights
  const beta = new Float64Array(p);
  const x = new Float64Array(p);
  x[0] = 1;
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let j = 1; j < p; j++) {
      grad[j] += ridge * beta[j];
      hess[j * p + j] += ridge;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) x[j + 1] = (rows[i * f + j] - mean[j]) / scale[j];
      let z = 0;
      for (let j = 0; j < p; j++) z += beta[j] * x[j];
      const q = sigmoid(z);
      const w = labels[i] ? wPos : wNeg;
      const r = w * (q - (labels[i] ? 1 : 0));
      const h = w * q * (1 - q);
      for (let a = 0; a < p; a++) {
        grad[a] += r * x[a];
        for (let b = 0; b < p; b++) hess[a * p + b] += h * x[a] * x[b];
      }
    }
    const step = solve(hess, grad, p);
    if (!step) break;
    let moved = 0;
    for (let j = 0; j < p; j++) {
      beta[j] -= step[j];
      moved += Math.abs(step[j]);
    }
    if (moved < 1e-10) break;
  }
  return { intercept: beta[0], weights: Array.from(beta.subarray(1)), mean, scale };
}

/** The linear score b + w·x̂ (log-odds). */
export function logisticLogit(m: LogisticModel, features: ArrayLike<number>): number {
  let z = m.intercept;
  for (let j = 0; j < m.weights.length; j++) z += m.weights[j] * ((features[j] - m.mean[j]) / m.scale[j]);
  return z;
}

export function logisticProbability(m: LogisticModel, features: ArrayLike<number>): number {
  return sigmoid(logisticLogit(m, features));
}

/** Solves A·x = b (A p×p, symmetric positive definite in practice) by Gaussian elimination with pivoting. */
function solve(a: Float64Array, b: Float64Array, p: number): Float64Array | null {
  const m = Float64Array.from(a);
  const v = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r * p + c]) > Math.abs(m[pivot * p + c])) pivot = r;
    if (Math.abs(m[pivot * p + c]) < 1e-300) return null;
    if (pivot !== c) {
      for (let k = 0; k < p; k++) [m[c * p + k], m[pivot * p + k]] = [m[pivot * p + k], m[c * p + k]];
      [v[c], v[pivot]] = [v[pivot], v[c]];
    }
    for (let r = c + 1; r < p; r++) {
      const f = m[r * p + c] / m[c * p + c];
      if (f === 0) continue;
      for (let k = c; k < p; k++) m[r * p + k] -= f * m[c * p + k];
      v[r] -= f * v[c];
    }
  }
  const x = new Float64Array(p);
  for (let r = p - 1; r >= 0; r--) {
    let s = v[r];
    for (let k = r + 1; k < p; k++) s -= m[r * p + k] * x[k];
    x[r] = s / m[r * p + r];
  }
  return x;
}
