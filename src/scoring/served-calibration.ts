/**
 * What a stored evaluation tells the server: the "same painter?" threshold and probability for the
 * raw distance and (where it measured better) for the cohort-normalised one, the artist ranking
 * that measured better, and the open-set rule. Pure: it reads an evaluation's result document,
 * whichever version of `painter evaluate` wrote it (older ones have only the raw figures).
 */
import { z } from 'zod';
import type { DistanceCalibration } from '../metrics/calibration.js';
import { CSLS_VARIANTS, type CslsParams } from './csls.js';
import { OPEN_SET_FEATURES, type OpenSetRule } from './open-set.js';

export interface PairCalibration {
  /**
   * Scores at or below this are judged "same artist": where the fitted P(same artist | score)
   * crosses 1/2, so the decision and the probability served with it never disagree (the
   * best-accuracy threshold where no decreasing fit exists).
   */
  threshold: number;
  /** P(same artist | score). */
  calibration: DistanceCalibration;
  auc: number | null;
}

export interface ServedCalibration {
  distance: PairCalibration;
  /** Null when the evaluation has no cohort figures. */
  csls: (PairCalibration & { params: CslsParams }) | null;
  /** The score "same painter?" decides on: the cohort-normalised one where it had the better AUC. */
  pairScore: 'distance' | 'csls';
  ranking: 'raw' | 'csls';
  openSet: OpenSetRule | null;
}

/** Without a stored evaluation: a midpoint of the 0–10 distance range and a gentle slope. */
export const UNCALIBRATED: ServedCalibration = {
  distance: { threshold: 5, calibration: { intercept: 5, slope: -1 }, auc: null },
  csls: null,
  pairScore: 'distance',
  ranking: 'raw',
  openSet: null,
};

const calibrationSchema = z.object({ intercept: z.number(), slope: z.number() });
const logisticSchema = z.object({ intercept: z.number(), weights: z.array(z.number()), mean: z.array(z.number()), scale: z.array(z.number()) });
const resultSchema = z.object({
  auc: z.number().optional(),
  calibration: calibrationSchema.nullable().optional(),
  csls: z
    .object({
      params: z.object({ k: z.number().int().positive(), variant: z.enum(CSLS_VARIANTS) }),
      auc: z.number(),
      bestThreshold: z.number(),
      calibration: calibrationSchema.nullable(),
    })
    .optional(),
  ranking: z.object({ chosen: z.enum(['raw', 'csls']) }).optional(),
  openSet: z
    .object({
      rule: z.object({
        score: z.union([z.enum(OPEN_SET_FEATURES), z.literal('learned')]),
        features: z.array(z.enum(OPEN_SET_FEATURES)).min(1),
        model: logisticSchema,
        confidence: z.number().gt(0.5).lt(1),
        ranking: z.enum(['raw', 'csls']),
        bestArtist: z
          .object({ score: z.union([z.enum(OPEN_SET_FEATURES), z.literal('learned')]), features: z.array(z.enum(OPEN_SET_FEATURES)).min(1), model: logisticSchema })
          .nullable()
          .optional(),
      }),
    })
    .nullable()
    .optional(),
});

/** Reads an evaluation (its best-accuracy threshold column and result JSON) into what the server serves. */
export function servedCalibration(bestThreshold: number, result: unknown): ServedCalibration {
  const parsed = resultSchema.safeParse(result);
  const r = parsed.success ? parsed.data : {};
  // Older evaluations without a fitted calibration: a logistic centred on their threshold.
  const distanceFit = r.calibration ?? { intercept: bestThreshold, slope: -1 };
  const distance: PairCalibration = { threshold: decisionThreshold(distanceFit, bestThreshold), calibration: distanceFit, auc: r.auc ?? null };
  const csls = r.csls?.calibration
    ? { params: r.csls.params, threshold: decisionThreshold(r.csls.calibration, r.csls.bestThreshold), calibration: r.csls.calibration, auc: r.csls.auc }
    : null;
  return {
    distance,
    csls,
    pairScore: csls && distance.auc !== null && csls.auc > distance.auc ? 'csls' : 'distance',
    ranking: csls ? (r.ranking?.chosen ?? 'raw') : 'raw',
    openSet: r.openSet?.rule ?? null,
  };
}

/** The score at which the logistic P(same | score) = σ(intercept + slope·score) is 1/2; `fallback` unless it falls with the score. */
export function decisionThreshold(fit: DistanceCalibration, fallback: number): number {
  return fit.slope < 0 ? -fit.intercept / fit.slope : fallback;
}
