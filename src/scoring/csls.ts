/**
 * Cohort-normalised distances (CSLS, "cross-domain similarity local scaling", after Conneau et al.
 * 2018, turned from similarities into distances). Some paintings sit in dense regions of the
 * embedding where everything is near, others in sparse ones; a raw distance threshold treats both
 * alike. Each painting's radius r is the mean distance to its K nearest paintings of a fixed
 * cohort (the model's training paintings), and a pair is scored relative to both radii:
 *
 *   mean:  d'(x, y) = d(x, y) − (r_x + r_y) / 2
 *   ratio: d'(x, y) = d(x, y) / ((r_x + r_y) / 2)
 *
 * Smaller is "more alike" for both, as for the raw distance, so the ROC, the thresholds and the
 * calibration work on d' unchanged. Pure functions; the cohort itself lives in cohort.ts.
 */

export const CSLS_VARIANTS = ['mean', 'ratio'] as const;
export type CslsVariant = (typeof CSLS_VARIANTS)[number];

/** How pairs are normalised: the K of the radii and the variant (measured in `painter evaluate`). */
export interface CslsParams {
  k: number;
  variant: CslsVariant;
}

/**
 * K 50 and the subtractive form: the best mean same-artist AUC over three split seeds on WikiArt
 * (README, "Cohort-normalised scores"); evaluations measure the neighbours of this choice too.
 */
export const DEFAULT_CSLS: CslsParams = { k: 50, variant: 'mean' };

/** The K values every evaluation measures, so a better K shows in its stored sweep. */
export const CSLS_K_SWEEP = [5, 10, 25, 50, 100, 200] as const;

export function cslsDistance(d: number, rx: number, ry: number, variant: CslsVariant): number {
  const r = (rx + ry) / 2;
  return variant === 'mean' ? d - r : r > 0 ? d / r : d;
}

/**
 * Radii from rows of nearest-cohort distances (ascending, `stride` per row, as NearestDistances
 * returns them): the mean of each row's first `k` finite values. A row with none gets 0 (no
 * normalisation), which only happens with an empty cohort.
 */
export function radiiFrom(distances: Float32Array, stride: number, k: number): Float32Array {
  if (k < 1 || k > stride) throw new RangeError(`k ${k} must lie in 1..${stride}`);
  const n = distances.length / stride;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const v = distances[i * stride + j];
      if (!Number.isFinite(v)) break;
      s += v;
      c++;
    }
    out[i] = c ? s / c : 0;
  }
  return out;
}
