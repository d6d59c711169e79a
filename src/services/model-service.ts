/** Model versions, their training curves and their stored ROC evaluations, as the API shows them. */
import type { EvaluationRepository } from '../db/repositories/evaluation-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { Evaluation, ModelVersion } from '../db/types.js';
import { trainingArtistsOf } from '../dataset/training-artists.js';
import { PainterError } from '../errors.js';
import type { CalibrationService } from './calibration-service.js';
import type { LiveIndex } from './live-index.js';

export class ModelService {
  private readonly models: ModelRepository;
  private readonly evaluations: EvaluationRepository;

  constructor(
    repos: Pick<Repositories, 'models' | 'evaluations'>,
    private readonly live: LiveIndex,
    private readonly calibrations: CalibrationService,
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

  /** The evaluation that calibrates a model (default: the one serving queries): its ROC and what else it measured. */
  async rocEvaluation(version?: number) {
    const v = version ?? this.live.serving?.modelVersion ?? (await this.models.latestComplete())?.version;
    if (v === undefined) throw new PainterError('MODEL_NOT_FOUND', 'No trained model yet');
    if (!(await this.models.get(v))) throw new PainterError('MODEL_NOT_FOUND', `No model version ${v}`, { version: v });
    const { info } = await this.calibrations.forModel(v);
    const e = (info.evaluationId !== null ? await this.evaluations.findById(info.evaluationId) : null) ?? (await this.evaluations.latestForModelVersion(v));
    if (!e) throw new PainterError('EVALUATION_NOT_FOUND', `Model v${v} has no stored evaluation: run \`painter evaluate --model ${v}\``, { version: v });
    return toRocEvaluation(e);
  }

  /** Names the evaluation that calibrates a model's answers; null returns to its newest test-split evaluation. */
  async chooseCalibration(version: number, evaluationId: number | null) {
    await this.calibrations.choose(version, evaluationId);
    return this.get(version);
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
      artists: trainingArtistsOf(m.config),
      calibration: (await this.calibrations.forModel(m.version)).info,
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

interface Histogram {
  min?: number;
  max: number;
  counts: number[];
}

interface StoredResult {
  roc?: { threshold: number; tpr: number; fpr: number }[];
  distances?: { same: { histogram: Histogram }; different: { histogram: Histogram } };
  csls?: {
    params: { k: number; variant: string };
    auc: number;
    aucSameStyle: number | null;
    tripletAccuracy: number;
    bestThreshold: number;
    cohortPaintings: number;
    distances: { same: { histogram: Histogram }; different: { histogram: Histogram } };
  };
  ranking?: { raw: { top1: number; top5: number }; csls: { top1: number; top5: number } | null; chosen: 'raw' | 'csls'; queries: number };
  openSet?: {
    chosen: string;
    scores: { score: string; auroc: number; accuracy: number; ece: number }[];
    reliability: { bins: { lo: number; hi: number; count: number; meanPredicted: number; observed: number }[]; ece: number };
    verdicts: { confidence: number; coverage: number; accuracy: number | null };
    protocol: { queries: { known: number; unknown: number } };
  } | null;
}

function histograms(d: StoredResult['distances']) {
  const same = d?.same.histogram;
  const different = d?.different.histogram;
  if (!same || !different) return null;
  const min = same.min ?? 0;
  return { min, binWidth: (same.max - min) / same.counts.length, same: same.counts, different: different.counts };
}

export function toRocEvaluation(e: Evaluation) {
  const r = e.result as StoredResult;
  const o = r.openSet;
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
    histograms: histograms(r.distances),
    csls: r.csls
      ? {
          k: r.csls.params.k,
          variant: r.csls.params.variant,
          auc: r.csls.auc,
          aucSameStyle: r.csls.aucSameStyle,
          tripletAccuracy: r.csls.tripletAccuracy,
          bestThreshold: r.csls.bestThreshold,
          cohortPaintings: r.csls.cohortPaintings,
          histograms: histograms(r.csls.distances),
        }
      : null,
    ranking: r.ranking ? { queries: r.ranking.queries, raw: r.ranking.raw, csls: r.ranking.csls, chosen: r.ranking.chosen } : null,
    openSet: o
      ? {
          chosen: o.chosen,
          knownQueries: o.protocol.queries.known,
          unknownQueries: o.protocol.queries.unknown,
          scores: o.scores,
          reliability: o.reliability.bins.map((b) => ({ lo: b.lo, hi: b.hi, count: b.count, meanPredicted: b.meanPredicted, observed: b.observed })),
          ece: o.reliability.ece,
          confidence: o.verdicts.confidence,
          coverage: o.verdicts.coverage,
          verdictAccuracy: o.verdicts.accuracy,
        }
      : null,
    createdAt: e.createdAt.toISOString(),
  };
}
