/**
 * "Same painter?" for pairs of embedded images, as the server answers it: the distance (or the
 * cohort-normalised distance, where the model's calibration decides on that) turned into the
 * calibrated probability. Hot loop of `painter score`: 22 M pairs of 2048-d vectors.
 */
import { probabilitySame } from '../metrics/calibration.js';
import { cslsDistance } from './csls.js';
import type { PairCalibration, ServedCalibration } from './served-calibration.js';

export interface PairScorer {
  kind: 'distance' | 'csls';
  calibration: PairCalibration;
  /** Probability that rows i and j share a painter. */
  probability(i: number, j: number): number;
  /** The score the probability is read from (distance or normalised distance). */
  score(i: number, j: number): number;
}

/** `radii` (one per row) switches to the normalised score when the calibration decides on it. */
export function pairScorer(vectors: Float32Array, dim: number, served: ServedCalibration, radii: Float32Array | null): PairScorer {
  const csls = served.pairScore === 'csls' && served.csls && radii ? served.csls : null;
  const calibration = csls ?? served.distance;
  const norms = new Float64Array(vectors.length / dim);
  for (let r = 0; r < norms.length; r++) {
    let s = 0;
    for (let k = r * dim, end = k + dim; k < end; k++) s += vectors[k] * vectors[k];
    norms[r] = s;
  }
  const distance = (i: number, j: number) => {
    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b: one pass over two rows, four sums to keep the pipeline full.
    const a = i * dim;
    const b = j * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k + 3 < dim; k += 4) {
      s0 += vectors[a + k] * vectors[b + k];
      s1 += vectors[a + k + 1] * vectors[b + k + 1];
      s2 += vectors[a + k + 2] * vectors[b + k + 2];
      s3 += vectors[a + k + 3] * vectors[b + k + 3];
    }
    for (; k < dim; k++) s0 += vectors[a + k] * vectors[b + k];
    return Math.sqrt(Math.max(0, norms[i] + norms[j] - 2 * (s0 + s1 + s2 + s3)));
  };
  const score = csls ? (i: number, j: number) => cslsDistance(distance(i, j), radii![i], radii![j], csls.params.variant) : distance;
  return {
    kind: csls ? 'csls' : 'distance',
    calibration,
    score,
    probability: (i, j) => probabilitySame(calibration.calibration, score(i, j)),
  };
}
