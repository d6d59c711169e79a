/**
 * A training run's full configuration: the preset's defaults overridden by the user's flags.
 * Stored beside the model so any version can be reproduced or resumed.
 */
import { z } from 'zod';
import { PainterError } from '../src/errors.js';
import { DEFAULT_PRESET, getPreset, PRESET_NAMES, type PresetDefinition } from '../src/encoders/presets.js';

export const TrainingConfigSchema = z.object({
  preset: z.enum(PRESET_NAMES),
  loss: z.enum(['triplet', 'contrastive']),
  mining: z.enum(['random', 'batch-hard', 'batch-all']),
  margin: z.number().positive(),
  epochs: z.number().int().min(0).max(10_000),
  batchSize: z.number().int().min(2).max(4096),
  paintingsPerArtist: z.number().int().min(2).max(64),
  lr: z.number().positive().max(10),
  milestones: z.array(z.number().int().min(0)),
  gamma: z.number().positive().max(1),
  stepsPerEpoch: z.number().int().min(0),
  imageSize: z.number().int().min(16).max(1024),
  augment: z.boolean(),
  seed: z.number().int().min(0),
  embeddingScale: z.number().min(0),
  /** Stop when validation AUC has not improved for this many epochs (0 = never). */
  patience: z.number().int().min(0),
});

export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

export type TrainingOverrides = Partial<TrainingConfig>;

export function resolveTrainingConfig(overrides: TrainingOverrides = {}): { config: TrainingConfig; preset: PresetDefinition } {
  const preset = getPreset(overrides.preset ?? DEFAULT_PRESET);
  const d = preset.training;
  const loss = overrides.loss ?? d.loss;
  // Batch mining is defined over triplets; the contrastive loss draws random pairs.
  const mining = overrides.mining ?? (loss === 'contrastive' ? 'random' : d.mining);
  if (loss === 'contrastive' && mining !== 'random') {
    throw new PainterError('INVALID_ARGUMENT', `--mining ${mining} applies to the triplet loss; the contrastive loss uses random pairs`);
  }
  if (preset.kind === 'head' && overrides.imageSize !== undefined && overrides.imageSize !== preset.inputSize) {
    throw new PainterError('INVALID_ARGUMENT', `the ${preset.name} preset's backbone takes ${preset.inputSize} px images`);
  }
  const candidate = {
    preset: preset.name,
    loss,
    mining,
    margin: overrides.margin ?? d.margin,
    epochs: overrides.epochs ?? d.epochs,
    batchSize: overrides.batchSize ?? d.batchSize,
    paintingsPerArtist: overrides.paintingsPerArtist ?? d.paintingsPerArtist,
    lr: overrides.lr ?? d.lr,
    milestones: overrides.milestones ?? d.milestones,
    gamma: overrides.gamma ?? d.gamma,
    stepsPerEpoch: overrides.stepsPerEpoch ?? d.stepsPerEpoch,
    imageSize: overrides.imageSize ?? preset.inputSize,
    augment: overrides.augment ?? d.augment,
    seed: overrides.seed ?? 42,
    embeddingScale: overrides.embeddingScale ?? preset.embeddingScale,
    patience: overrides.patience ?? 0,
  };
  const parsed = TrainingConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PainterError('INVALID_ARGUMENT', `invalid training option ${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.batchSize < (mining === 'random' ? (loss === 'triplet' ? 3 : 2) : 2 * parsed.data.paintingsPerArtist)) {
    throw new PainterError('INVALID_ARGUMENT', `--batch-size ${parsed.data.batchSize} is too small for ${loss} with ${mining} mining`);
  }
  return { config: parsed.data, preset };
}
