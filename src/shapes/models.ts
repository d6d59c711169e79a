/** Model versions with their training curves, and stored ROC evaluations. */
import { z } from 'zod';
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

export const modelSummary = named(
  z.object({
    version: z.number().int(),
    preset: z.string(),
    status: z.enum(['training', 'complete', 'failed']),
    embeddingDim: z.number().int(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    epochs: z.array(trainingEpoch),
  }),
  'ModelSummary',
);
export type ModelSummary = z.infer<typeof modelSummary>;

export const rocPoint = named(z.object({ threshold: z.number(), tpr: z.number(), fpr: z.number() }), 'RocPoint');

export const distanceHistograms = named(
  z.object({ binWidth: z.number(), same: z.array(z.number()), different: z.array(z.number()) }),
  'DistanceHistograms',
  'Distance histograms of same-artist and different-artist pairs',
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
    createdAt: z.string(),
  }),
  'RocEvaluation',
);
export type RocEvaluation = z.infer<typeof rocEvaluation>;
