/**
 * ROC analysis for "same artist?" decisions made by thresholding a distance: a pair is predicted
 * "same" when its distance is ≤ the threshold. Positives are same-artist pairs.
 */

export interface RocPoint {
  threshold: number;
  tpr: number;
  fpr: number;
}

/** The reference's threshold grid: 0 to 10 in steps of 0.1 (computed from integers to avoid drift). */
export function referenceThresholds(max = 10, step = 0.1): number[] {
  const n = Math.round(max / step);
  return Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

/** Count of sorted values ≤ t (binary search). */
function countAtMost(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** TPR/FPR at each threshold. */
export function rocCurve(same: ArrayLike<number>, different: ArrayLike<number>, thresholds = referenceThresholds()): RocPoint[] {
  const s = sortedCopy(same);
  const d = sortedCopy(different);
  return thresholds.map((threshold) => ({
    threshold,
    tpr: s.length ? countAtMost(s, threshold) / s.length : 0,
    fpr: d.length ? countAtMost(d, threshold) / d.length : 0,
  }));
}

/**
 * Exact ROC AUC = P(d_same < d_diff) + ½·P(d_same = d_diff) (Mann–Whitney U with ties),
 * i.e. the area under the curve swept by every possible threshold, not only the grid's.
 */
export function rocAuc(same: ArrayLike<number>, different: ArrayLike<number>): number {
  const s = sortedCopy(same);
  const d = sortedCopy(different);
  if (s.length === 0 || d.length === 0) return Number.NaN;
  let wins = 0;
  let j = 0; // d[0..j) < current s value
  let k = 0; // d[0..k) ≤ current s value
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    while (j < d.length && d[j] < v) j++;
    if (k < j) k = j;
    while (k < d.length && d[k] <= v) k++;
    wins += d.length - k + 0.5 * (k - j);
  }
  return wins / (s.length * d.length);
}

export interface ThresholdChoice {
  threshold: number;
  tpr: number;
  fpr: number;
  accuracy: number;
}

/** Candidate thresholds: every observed distance (predict "same" at ≤ it), plus one below all. */
function candidateThresholds(s: Float64Array, d: Float64Array): number[] {
  const all = Array.from(new Set([...s, ...d])).sort((a, b) => a - b);
  return [all.length ? all[0] - 1e-9 : 0, ...all];
}

function evaluateAt(s: Float64Array, d: Float64Array, t: number): ThresholdChoice {
  const tp = countAtMost(s, t);
  const fp = countAtMost(d, t);
  const tpr = s.length ? tp / s.length : 0;
  const fpr = d.length ? fp / d.length : 0;
  const total = s.length + d.length;
  return { threshold: t, tpr, fpr, accuracy: total ? (tp + (d.length - fp)) / total : 0 };
}

/** Equal-error-rate threshold: where the miss rate (1 − TPR) and the false-alarm rate (FPR) cross. */
export function equalErrorThreshold(same: ArrayLike<number>, different: ArrayLike<number>): ThresholdChoice & { eer: number } {
  const s = sortedCopy(same);
  const d = sortedCopy(different);
  let best: (ThresholdChoice & { eer: number }) | undefined;
  let bestGap = Infinity;
  for (const t of candidateThresholds(s, d)) {
    const c = evaluateAt(s, d, t);
    const gap = Math.abs(1 - c.tpr - c.fpr);
    if (gap < bestGap) {
      bestGap = gap;
      best = { ...c, eer: (1 - c.tpr + c.fpr) / 2 };
    }
  }
  return best ?? { threshold: 0, tpr: 0, fpr: 0, accuracy: 0, eer: 0.5 };
}

/**
 * Threshold maximising accuracy over the given pairs. Evaluation samples as many different-artist
 * pairs as same-artist ones, so this is also the balanced accuracy. The threshold is placed midway
 * between the deciding distance and the next one, so it generalises rather than sitting on a sample.
 */
export function bestAccuracyThreshold(same: ArrayLike<number>, different: ArrayLike<number>): ThresholdChoice {
  const s = sortedCopy(same);
  const d = sortedCopy(different);
  const candidates = candidateThresholds(s, d);
  let bestIdx = 0;
  let best = evaluateAt(s, d, candidates[0]);
  for (let i = 1; i < candidates.length; i++) {
    const c = evaluateAt(s, d, candidates[i]);
    if (c.accuracy > best.accuracy) {
      best = c;
      bestIdx = i;
    }
  }
  const next = candidates[bestIdx + 1];
  const threshold = next === undefined || bestIdx === 0 ? best.threshold : (best.threshold + next) / 2;
  return { ...best, threshold };
}
