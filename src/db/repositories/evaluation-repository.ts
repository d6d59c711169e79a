/**
 * Stored evaluation results: the headline metrics as columns for listing and comparing, the full
 * result (ROC points, distance histograms, …) as JSON.
 */
import { PainterError } from '../../errors.js';
import type { Prisma, PrismaClient } from '../generated/client.js';
import {
  assertOneOf,
  PAINTING_SPLITS,
  type Evaluation,
  type EvaluationInput,
  type JsonObject,
  type PaintingSplit,
} from '../types.js';

const WITH_VERSION = { modelVersion: { select: { version: true } } } as const;
type EvaluationRow = Prisma.EvaluationGetPayload<{ include: typeof WITH_VERSION }>;

export interface EvaluationFilter {
  modelVersion?: number;
  subject?: string;
  datasetId?: number;
  /** Newest first; all when omitted. */
  limit?: number;
}

export class EvaluationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async save(input: EvaluationInput): Promise<Evaluation> {
    if (input.split != null) assertOneOf('split', PAINTING_SPLITS, input.split);
    const modelVersionId = input.modelVersion == null ? null : await this.idOf(input.modelVersion);
    const r = input.result;
    const row = await this.prisma.evaluation.create({
      data: {
        modelVersionId,
        subject: input.subject,
        datasetId: input.datasetId ?? null,
        split: input.split ?? null,
        datasetPath: input.datasetPath ?? null,
        auc: r.auc,
        aucSameStyle: r.aucSameStyle,
        tripletAccuracy: r.tripletAccuracy,
        eerThreshold: r.eerThreshold,
        bestThreshold: r.bestThreshold,
        bestAccuracy: r.bestAccuracy,
        pairs: typeof r.pairs === 'number' ? r.pairs : r.pairs.same + r.pairs.different,
        result: r as unknown as Prisma.InputJsonObject,
      },
      include: WITH_VERSION,
    });
    return toEvaluation(row);
  }

  async latestForModelVersion(version: number): Promise<Evaluation | null> {
    const row = await this.prisma.evaluation.findFirst({
      where: { modelVersion: { version } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: WITH_VERSION,
    });
    return row && toEvaluation(row);
  }

  /** The newest evaluation of a model on the test split of one dataset (not of a folder evaluated in passing). */
  async latestTestSplit(version: number, datasetId: number | null): Promise<Evaluation | null> {
    const row = await this.prisma.evaluation.findFirst({
      where: { modelVersion: { version }, split: 'test' satisfies PaintingSplit, datasetPath: null, ...(datasetId !== null ? { datasetId } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: WITH_VERSION,
    });
    return row && toEvaluation(row);
  }

  async latestForSubject(subject: string): Promise<Evaluation | null> {
    const row = await this.prisma.evaluation.findFirst({
      where: { subject },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: WITH_VERSION,
    });
    return row && toEvaluation(row);
  }

  async findById(id: number): Promise<Evaluation | null> {
    const row = await this.prisma.evaluation.findUnique({ where: { id }, include: WITH_VERSION });
    return row && toEvaluation(row);
  }

  /** Newest first. */
  async list(filter: EvaluationFilter = {}): Promise<Evaluation[]> {
    const rows = await this.prisma.evaluation.findMany({
      where: {
        ...(filter.modelVersion !== undefined ? { modelVersion: { version: filter.modelVersion } } : {}),
        ...(filter.subject !== undefined ? { subject: filter.subject } : {}),
        ...(filter.datasetId !== undefined ? { datasetId: filter.datasetId } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...(filter.limit !== undefined ? { take: filter.limit } : {}),
      include: WITH_VERSION,
    });
    return rows.map(toEvaluation);
  }

  private async idOf(version: number): Promise<number> {
    const row = await this.prisma.modelVersion.findUnique({ where: { version }, select: { id: true } });
    if (!row) throw new PainterError('MODEL_NOT_FOUND', `No model version ${version}`, { version });
    return row.id;
  }
}

function toEvaluation(r: EvaluationRow): Evaluation {
  const { modelVersion, modelVersionId: _id, ...rest } = r;
  return {
    ...rest,
    modelVersion: modelVersion?.version ?? null,
    split: r.split as PaintingSplit | null,
    result: r.result as JsonObject,
  };
}
