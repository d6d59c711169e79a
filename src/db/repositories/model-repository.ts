/**
 * Model versions (v1, v2, …) and their per-epoch training history. Versions are addressed by
 * their public number, never by row id.
 */
import { PainterError } from '../../errors.js';
import { Prisma, type PrismaClient } from '../generated/client.js';
import type {
  JsonObject,
  ModelStatus,
  ModelVersion,
  ModelVersionUpdate,
  NewModelVersion,
  TrainingEpoch,
  TrainingEpochInput,
} from '../types.js';

type ModelVersionRow = Prisma.ModelVersionGetPayload<object>;

/** Two trainers starting together may pick the same number; the loser retries with the next. */
const CREATE_ATTEMPTS = 5;

export class ModelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One more than the highest version ever created (failed ones included), starting at 1. */
  async nextVersion(): Promise<number> {
    const agg = await this.prisma.modelVersion.aggregate({ _max: { version: true } });
    return (agg._max.version ?? 0) + 1;
  }

  /** Creates a version in status 'training'. */
  async create(input: NewModelVersion): Promise<ModelVersion> {
    for (let attempt = 1; ; attempt++) {
      const version = input.version ?? (await this.nextVersion());
      try {
        const row = await this.prisma.modelVersion.create({
          data: {
            version,
            preset: input.preset,
            status: 'training',
            datasetId: input.datasetId ?? null,
            config: input.config as Prisma.InputJsonObject,
            dir: typeof input.dir === 'function' ? input.dir(version) : input.dir,
            embeddingDim: input.embeddingDim,
          },
        });
        return toModelVersion(row);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (input.version !== undefined) {
          throw new PainterError('INVALID_ARGUMENT', `Model version ${input.version} already exists`, { version: input.version }, { cause: e });
        }
        if (attempt >= CREATE_ATTEMPTS) throw e;
      }
    }
  }

  async update(version: number, patch: ModelVersionUpdate): Promise<ModelVersion> {
    const { config, metrics, ...rest } = patch;
    return this.write(version, {
      ...rest,
      ...(config !== undefined ? { config: config as Prisma.InputJsonObject } : {}),
      ...(metrics !== undefined ? { metrics: jsonOrNull(metrics) } : {}),
    });
  }

  async markComplete(version: number, result: { metrics?: object; checksum?: string | null } = {}): Promise<ModelVersion> {
    return this.write(version, {
      status: 'complete' satisfies ModelStatus,
      completedAt: new Date(),
      failureReason: null,
      ...(result.metrics !== undefined ? { metrics: result.metrics as Prisma.InputJsonObject } : {}),
      ...(result.checksum !== undefined ? { checksum: result.checksum } : {}),
    });
  }

  async markFailed(version: number, reason: string): Promise<ModelVersion> {
    return this.write(version, { status: 'failed' satisfies ModelStatus, completedAt: new Date(), failureReason: reason });
  }

  /** Chooses the evaluation that calibrates the model's answers; null returns to the newest test-split one. */
  async setCalibrationEvaluation(version: number, evaluationId: number | null): Promise<ModelVersion> {
    return this.write(version, { calibrationEvaluation: evaluationId === null ? { disconnect: true } : { connect: { id: evaluationId } } });
  }

  async get(version: number): Promise<ModelVersion | null> {
    const row = await this.prisma.modelVersion.findUnique({ where: { version } });
    return row && toModelVersion(row);
  }

  /** Like get, but a missing version is a MODEL_NOT_FOUND error. */
  async require(version: number): Promise<ModelVersion> {
    const model = await this.get(version);
    if (!model) throw new PainterError('MODEL_NOT_FOUND', `No model version ${version}`, { version });
    return model;
  }

  async latestComplete(): Promise<ModelVersion | null> {
    return this.latestWithStatus('complete');
  }

  /** The newest version still in training: the one an interrupted run resumes. */
  async latestTraining(): Promise<ModelVersion | null> {
    return this.latestWithStatus('training');
  }

  /** All versions, oldest first. */
  async list(): Promise<ModelVersion[]> {
    const rows = await this.prisma.modelVersion.findMany({ orderBy: { version: 'asc' } });
    return rows.map(toModelVersion);
  }

  /** Records an epoch; recording the same epoch again (after a resume) replaces it. */
  async recordEpoch(version: number, epoch: TrainingEpochInput): Promise<TrainingEpoch> {
    const modelVersionId = await this.idOf(version);
    const data = {
      trainLoss: epoch.trainLoss,
      valTripletAccuracy: epoch.valTripletAccuracy ?? null,
      valAuc: epoch.valAuc ?? null,
      learningRate: epoch.learningRate,
      seconds: epoch.seconds,
      imagesPerSecond: epoch.imagesPerSecond ?? null,
    };
    return this.prisma.trainingEpoch.upsert({
      where: { modelVersionId_epoch: { modelVersionId, epoch: epoch.epoch } },
      create: { modelVersionId, epoch: epoch.epoch, ...data },
      update: data,
    });
  }

  async listEpochs(version: number): Promise<TrainingEpoch[]> {
    const modelVersionId = await this.idOf(version);
    return this.prisma.trainingEpoch.findMany({ where: { modelVersionId }, orderBy: { epoch: 'asc' } });
  }

  private async latestWithStatus(status: ModelStatus): Promise<ModelVersion | null> {
    const row = await this.prisma.modelVersion.findFirst({ where: { status }, orderBy: { version: 'desc' } });
    return row && toModelVersion(row);
  }

  private async idOf(version: number): Promise<number> {
    const row = await this.prisma.modelVersion.findUnique({ where: { version }, select: { id: true } });
    if (!row) throw new PainterError('MODEL_NOT_FOUND', `No model version ${version}`, { version });
    return row.id;
  }

  private async write(version: number, data: Prisma.ModelVersionUpdateInput): Promise<ModelVersion> {
    const id = await this.idOf(version);
    return toModelVersion(await this.prisma.modelVersion.update({ where: { id }, data }));
  }
}

function toModelVersion(r: ModelVersionRow): ModelVersion {
  return {
    ...r,
    status: r.status as ModelStatus,
    config: r.config as JsonObject,
    metrics: r.metrics as JsonObject | null,
  };
}

/** JSON null would be stored as the JSON value `null`; SQL NULL is what "no metrics" means. */
function jsonOrNull(value: object | null): Prisma.InputJsonObject | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonObject);
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}
