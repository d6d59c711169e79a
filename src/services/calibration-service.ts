/**
 * Which stored evaluation calibrates a model's answers (the "same painter?" threshold and
 * probability, the artist ranking, the open-set rule): the one chosen with `painter calibrate`,
 * else the newest evaluation on the test split of the model's own dataset — never one made on
 * some other folder with `evaluate --dataset`, unless it is chosen. A model trained on every
 * artist (`--all-artists`) has no test split of its own: its held-out twin calibrates it, the same
 * configuration on the same dataset trained on the training artists only, through that twin's
 * newest test-split evaluation. Answers are cached briefly, so
 * a choice made by another process (the CLI) reaches a running server within seconds.
 */
import type { EvaluationRepository } from '../db/repositories/evaluation-repository.js';
import type { ModelRepository } from '../db/repositories/model-repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { Evaluation, ModelVersion } from '../db/types.js';
import { sameConfigurationBesidesArtists, trainingArtistsOf } from '../dataset/training-artists.js';
import { PainterError } from '../errors.js';
import { servedCalibration, UNCALIBRATED, type ServedCalibration } from '../scoring/served-calibration.js';
import type { CalibrationInfo } from '../shapes/models.js';

export type { CalibrationInfo };
export type CalibrationSelection = CalibrationInfo['selection'];

export interface ModelCalibration extends ServedCalibration {
  info: CalibrationInfo;
}

/** How long a resolved calibration is reused before the database is asked again. */
const TTL_MS = 5_000;

export class CalibrationService {
  private readonly models: ModelRepository;
  private readonly evaluations: EvaluationRepository;
  private readonly cache = new Map<number, { at: number; value: Promise<ModelCalibration> }>();

  constructor(
    repos: Pick<Repositories, 'models' | 'evaluations'>,
    private readonly ttlMs = TTL_MS,
  ) {
    this.models = repos.models;
    this.evaluations = repos.evaluations;
  }

  /** The calibration a model's answers use now. */
  forModel(version: number): Promise<ModelCalibration> {
    const hit = this.cache.get(version);
    if (hit && performance.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.resolve(version);
    value.catch(() => this.cache.delete(version));
    this.cache.set(version, { at: performance.now(), value });
    return value;
  }

  /** Names the evaluation that calibrates a model (it must be one of the model's), or returns to the default with null. */
  async choose(version: number, evaluationId: number | null): Promise<CalibrationInfo> {
    const model = await this.models.require(version);
    if (evaluationId !== null) {
      const e = await this.evaluations.findById(evaluationId);
      if (!e) throw new PainterError('EVALUATION_NOT_FOUND', `No evaluation with id ${evaluationId}`, { evaluationId });
      if (e.modelVersion !== model.version && !(await this.heldOutTwins(model)).some((t) => t.version === e.modelVersion)) {
        throw new PainterError(
          'INVALID_ARGUMENT',
          `Evaluation ${evaluationId} is of ${e.subject}, neither of model v${version} nor of a twin of it trained without --all-artists`,
          { evaluationId, version },
        );
      }
    }
    await this.models.setCalibrationEvaluation(version, evaluationId);
    this.invalidate(version);
    return (await this.forModel(version)).info;
  }

  invalidate(version?: number): void {
    if (version === undefined) this.cache.clear();
    else this.cache.delete(version);
  }

  private async resolve(version: number): Promise<ModelCalibration> {
    const model = await this.models.get(version);
    if (!model) throw new PainterError('MODEL_NOT_FOUND', `No model version ${version}`, { version });
    let selection: CalibrationSelection = 'none';
    let evaluation: Evaluation | null = null;
    if (model.calibrationEvaluationId !== null) {
      evaluation = await this.evaluations.findById(model.calibrationEvaluationId);
      if (evaluation) selection = 'chosen';
    }
    if (!evaluation) {
      evaluation = await this.evaluations.latestTestSplit(version, model.datasetId);
      if (evaluation) selection = 'test-split';
    }
    if (!evaluation && trainingArtistsOf(model.config) === 'all') {
      evaluation = await this.twinEvaluation(model);
      if (evaluation) selection = 'held-out-twin';
    }
    const served = evaluation ? servedCalibration(evaluation.bestThreshold, evaluation.result) : UNCALIBRATED;
    return {
      ...served,
      info: {
        selection,
        evaluationId: evaluation?.id ?? null,
        evaluatedModelVersion: evaluation?.modelVersion ?? null,
        split: evaluation?.split ?? null,
        datasetId: evaluation?.datasetId ?? null,
        datasetPath: evaluation?.datasetPath ?? null,
        evaluatedAt: evaluation?.createdAt.toISOString() ?? null,
        pairScore: served.pairScore,
        ranking: served.ranking,
        openSet: served.openSet !== null,
      },
    };
  }

  /**
   * The complete models a model trained on every artist reproduces on held-out artists: the same
   * dataset and configuration, trained on the training split's artists only. Newest first.
   */
  private async heldOutTwins(model: ModelVersion): Promise<ModelVersion[]> {
    if (trainingArtistsOf(model.config) !== 'all') return [];
    return (await this.models.list())
      .filter(
        (m) =>
          m.version !== model.version &&
          m.status === 'complete' &&
          m.datasetId === model.datasetId &&
          trainingArtistsOf(m.config) === 'training' &&
          sameConfigurationBesidesArtists(m.config, model.config),
      )
      .sort((a, b) => b.version - a.version);
  }

  /** The newest test-split evaluation of any held-out twin. */
  private async twinEvaluation(model: ModelVersion): Promise<Evaluation | null> {
    let newest: Evaluation | null = null;
    for (const twin of await this.heldOutTwins(model)) {
      const e = await this.evaluations.latestTestSplit(twin.version, twin.datasetId);
      if (e && (!newest || e.createdAt > newest.createdAt || (e.createdAt.getTime() === newest.createdAt.getTime() && e.id > newest.id))) newest = e;
    }
    return newest;
  }
}
