/**
 * Calibrates "same artist?" confidences: a logistic model P(same | d) = σ(intercept + slope·d)
 * fitted on evaluation pairs (Platt scaling on the distance). Written here because it is two
 * parameters fitted by Newton's method; no library is worth the dependency.
 */

export interface DistanceCalibration {
  intercept: number;
  slope: number;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** P(same artist | distance). */
export function probabilitySame(c: DistanceCalibration, distance: number): number {
  return sigmoid(c.intercept + c.slope * distance);
}

/**
 * Maximum-likelihood logistic fit with classes weighted equally (the server is asked about pairs
 * without a prior), and a small ridge penalty so perfectly separated pairs still give finite
 * parameters (on the slope only, so the ½ crossing of symmetric data stays where it is).
 */
export function fitDistanceCalibration(same: ArrayLike<number>, different: ArrayLike<number>, ridge = 1e-5): DistanceCalibration {
  if (same.length === 0 || different.length === 0) throw new RangeError('calibration needs same-artist and different-artist pairs');
  const ws = 0.5 / same.length;
  const wd = 0.5 / different.length;
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    // Gradient and Hessian of the weighted negative log-likelihood plus ridge·b²/2.
    let ga = 0;
    let gb = ridge * b;
    let haa = 0;
    let hab = 0;
    let hbb = ridge;
    const accumulate = (d: number, y: number, w: number) => {
      const p = sigmoid(a + b * d);
      const r = w * (p - y);
      const h = w * p * (1 - p);
      ga += r;
      gb += r * d;
      haa += h;
      hab += h * d;
      hbb += h * d * d;
    };
    for (let i = 0; i < same.length; i++) accumulate(same[i], 1, ws);
    for (let i = 0; i < different.length; i++) accumulate(different[i], 0, wd);
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { intercept: a, slope: b };
}

/** The distance where the calibrated probability crosses ½. */
export function calibratedThreshold(c: DistanceCalibration): number {
  return c.slope === 0 ? Number.POSITIVE_INFINITY : -c.intercept / c.slope;
}
