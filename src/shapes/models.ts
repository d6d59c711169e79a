/** Model versions with their training curves, and stored ROC evaluations. */
import { z } from 'zod';
import { TRAINING_ARTISTS } from '../dataset/training-artists.js';
import { named } from './painting.js';

export const trainingEpoch = named(
  z.object({
    epoch: z.number().int(),
    trainLoss: z.number(),
    valTripletAccuracy: z.number().nullable(),
    valAuc: z.number().nullable(),
    learningRate: z.number(),
    seconds: z.number(),
  }),
  'TrainingEpoch',
);

export const calibrationInfo = named(
  z.object({
    selection: z
      .enum(['chosen', 'test-split', 'held-out-twin', 'none'])
      .meta({
        description:
          'chosen: named with `painter calibrate` or PUT …/calibration; test-split: the newest test-split evaluation; held-out-twin (a model trained on every artist): the newest test-split evaluation of the same configuration trained on the training artists only; none: uncalibrated defaults',
      }),
    evaluationId: z.number().int().nullable(),
    evaluatedModelVersion: z.number().int().nullable().meta({ description: "The model the calibrating evaluation measured: this one, or its held-out twin" }),
    split: z.string().nullable().meta({ description: 'Where the calibrating evaluation was measured' }),
    datasetId: z.number().int().nullable(),
    datasetPath: z.string().nullable(),
    evaluatedAt: z.string().nullable(),
    pairScore: z.enum(['distance', 'csls']).meta({ description: 'The score "same painter?" decides on' }),
    ranking: z.enum(['raw', 'csls']).meta({ description: 'How nearest artists are ranked' }),
    openSet: z.boolean().meta({ description: 'Whether an open-set rule is stored' }),
  }),
  'CalibrationInfo',
  "Which evaluation calibrates the model's answers, and what it decided",
);
export type CalibrationInfo = z.infer<typeof calibrationInfo>;

export const modelSummary = named(
  z.object({
    version: z.number().int(),
    preset: z.string(),
    status: z.enum(['training', 'complete', 'failed']),
    embeddingDim: z.number().int(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    artists: z.enum(TRAINING_ARTISTS).meta({
      description: "training: trained on the training split's artists, so its test split measures unseen artists; all: trained on every labelled artist (--all-artists), no held-out evaluation",
    }),
    calibration: calibrationInfo,
    epochs: z.array(trainingEpoch),
  }),
  'ModelSummary',
);
export type ModelSummary = z.infer<typeof modelSummary>;

export const rocPoint = named(z.object({ threshold: z.number(), tpr: z.number(), fpr: z.number() }), 'RocPoint');

export const distanceHistograms = named(
  z.object({ min: z.number().meta({ description: 'Where the first bin starts' }), binWidth: z.number(), same: z.array(z.number()), different: z.array(z.number()) }),
  'DistanceHistograms',
  'Distance histograms of same-artist and different-artist pairs',
);

const topK = named(z.object({ top1: z.number(), top5: z.number() }), 'TopK');

export const cslsEvaluation = named(
  z.object({
    k: z.number().int(),
    variant: z.string(),
    auc: z.number(),
    aucSameStyle: z.number().nullable(),
    tripletAccuracy: z.number(),
    bestThreshold: z.number(),
    cohortPaintings: z.number().int(),
    histograms: z.union([distanceHistograms, z.null()]),
  }),
  'CslsEvaluation',
  'The cohort-normalised distance on the same pairs',
);

export const openSetEvaluation = named(
  z.object({
    chosen: z.string(),
    knownQueries: z.number().int(),
    unknownQueries: z.number().int(),
    scores: z.array(z.object({ score: z.string(), auroc: z.number(), accuracy: z.number(), ece: z.number() })),
    reliability: z.array(z.object({ lo: z.number(), hi: z.number(), count: z.number().int(), meanPredicted: z.number(), observed: z.number() })),
    ece: z.number(),
    confidence: z.number(),
    coverage: z.number(),
    verdictAccuracy: z.number().nullable(),
  }),
  'OpenSetEvaluation',
  "The open-set protocol: every candidate score, the chosen one's reliability and verdicts",
);

export const rocEvaluation = named(
  z.object({
    id: z.number().int(),
    modelVersion: z.number().int().nullable(),
    subject: z.string(),
    split: z.string().nullable(),
    auc: z.number(),
    aucSameStyle: z.number().nullable(),
    tripletAccuracy: z.number(),
    eerThreshold: z.number(),
    bestThreshold: z.number(),
    bestAccuracy: z.number(),
    pairs: z.number().int(),
    roc: z.array(rocPoint),
    histograms: z.union([distanceHistograms, z.null()]),
    csls: z.union([cslsEvaluation, z.null()]).meta({ description: 'Null for older evaluations' }),
    ranking: z
      .union([z.object({ queries: z.number().int(), raw: topK, csls: z.union([topK, z.null()]), chosen: z.enum(['raw', 'csls']) }), z.null()])
      .meta({ description: 'Top-1 / top-5 nearest artist of the evaluated paintings against the corpus, raw and cohort-normalised' }),
    openSet: z.union([openSetEvaluation, z.null()]),
    createdAt: z.string(),
  }),
  'RocEvaluation',
);
export type RocEvaluation = z.infer<typeof rocEvaluation>;
