/** Model versions, their training curves and their stored ROC evaluations, as the API shows them. */
import type { EvaluationRepository } from '../db/repositories/evaluation-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { Evaluation, ModelVersion } from '../db/types.js';
import { PainterError } from '../errors.js';
import type { LiveIndex } from './live-index.js';

export class ModelService {
  private readonly models: ModelRepository;
  private readonly evaluations: EvaluationRepository;

  constructor(
    repos: Pick<Repositories, 'models' | 'evaluations'>,
    private readonly live: LiveIndex,
  ) {
    this.models = repos.models;
    this.evaluations = repos.evaluations;
  }

  async list() {
    return Promise.all((await this.models.list()).map((m) => this.summary(m)));
  }

  async get(version: number) {
    const m = await this.models.get(version);
    if (!m) throw new PainterError('MODEL_NOT_FOUND', `No model version ${version}`, { version });
    return this.summary(m);
  }

  /** The latest test-split evaluation of a model (default: the one serving queries). */
  async rocEvaluation(version?: number) {
    const v = version ?? this.live.serving?.modelVersion ?? (await this.models.latestComplete())?.version;
    if (v === undefined) throw new PainterError('MODEL_NOT_FOUND', 'No trained model yet');
    const e = await this.evaluations.latestForModelVersion(v);
    if (!e) throw new PainterError('EVALUATION_NOT_FOUND', `Model v${v} has no stored evaluation: run \`painter evaluate --model ${v}\``, { version: v });
    return toRocEvaluation(e);
  }

  private async summary(m: ModelVersion) {
    const epochs = await this.models.listEpochs(m.version);
    return {
      version: m.version,
      preset: m.preset,
      status: m.status,
      embeddingDim: m.embeddingDim,
      createdAt: m.createdAt.toISOString(),
      completedAt: m.completedAt?.toISOString() ?? null,
      metrics: m.metrics,
      epochs: epochs.map((e) => ({
        epoch: e.epoch,
        trainLoss: e.trainLoss,
        valTripletAccuracy: e.valTripletAccuracy,
        valAuc: e.valAuc,
        learningRate: e.learningRate,
        seconds: e.seconds,
      })),
    };
  }
}

interface StoredResult {
  roc?: { threshold: number; tpr: number; fpr: number }[];
  distances?: { same: { histogram: { max: number; counts: number[] } }; different: { histogram: { max: number; counts: number[] } } };
}

export function toRocEvaluation(e: Evaluation) {
  const r = e.result as StoredResult;
  const same = r.distances?.same.histogram;
  const different = r.distances?.different.histogram;
  return {
    id: e.id,
    modelVersion: e.modelVersion,
    subject: e.subject,
    split: e.split,
    auc: e.auc,
    aucSameStyle: e.aucSameStyle,
    tripletAccuracy: e.tripletAccuracy,
    eerThreshold: e.eerThreshold,
    bestThreshold: e.bestThreshold,
    bestAccuracy: e.bestAccuracy,
    pairs: e.pairs,
    roc: r.roc ?? [],
    histograms: same && different ? { binWidth: same.max / same.counts.length, same: same.counts, different: different.counts } : null,
    createdAt: e.createdAt.toISOString(),
  };
}
