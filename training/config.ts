/**
 * A training run's full configuration: the preset's defaults overridden by the user's flags.
 * Stored beside the model so any version can be reproduced or resumed.
 */
import { z } from 'zod';
import { EMBED_VIEW_SET_NAMES, validateView, VIEW_SETS, type EmbedViewSetName, type ViewSetName, type ViewSpec } from '../src/backbone/views.js';
import { PainterError } from '../src/errors.js';
import { BACKBONE_NAMES, DEFAULT_BACKBONE, getBackboneChoice } from '../src/encoders/backbone-choices.js';
import { DEFAULT_PRESET, getPreset, PRESET_NAMES, type PresetDefinition } from '../src/encoders/presets.js';
import { TRAINING_ARTISTS } from '../src/dataset/training-artists.js';

const ViewSpecSchema = z
  .object({
    size: z.number().int(),
    crop: z.object({ scale: z.number(), x: z.number(), y: z.number() }).optional(),
    flip: z.boolean().optional(),
    rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
    affineSeed: z.number().int().min(0).optional(),
  })
  .superRefine((v, ctx) => {
    try {
      validateView(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });

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
  /**
   * Head presets: the views of each painting whose backbone features are cached; a training step
   * draws one per painting. The first is the view queries and evaluation embed.
   */
  views: z.array(ViewSpecSchema).min(1).optional(),
  /**
   * Head presets: the views whose embeddings are averaged into a painting's embedding, in
   * evaluation, the index and queries alike (test-time augmentation). Absent in configurations
   * stored before the choice: the base view alone.
   */
  embedViews: z.array(ViewSpecSchema).min(1).optional(),
  /**
   * Head presets: the frozen backbone the head is trained on (see BACKBONE_CHOICES). Absent in
   * configurations stored before the choice existed: those trained on MobileNetV2.
   */
  backbone: z.enum(BACKBONE_NAMES).optional(),
  /**
   * Head presets: fine-tune the backbone above this layer (its activations are cached) with the
   * head, the backbone's layers at `lrScale` × the learning rate.
   */
  fineTune: z.object({ from: z.string().min(1), lrScale: z.number().positive().max(1) }).optional(),
  /**
   * The artists trained on (see TRAINING_ARTISTS): absent means the training split's; `all` adds
   * the test split's artists, leaving no held-out test evaluation.
   */
  artists: z.enum(TRAINING_ARTISTS).optional(),
});

export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

export type TrainingOverrides = Partial<Omit<TrainingConfig, 'views' | 'embedViews' | 'fineTune'>> & {
  /** A named set of views averaged into each embedding (see EMBED_VIEW_SET_NAMES), or the views themselves. */
  embedViews?: EmbedViewSetName | ViewSpec[];
  /** Fine-tune the backbone above this layer (head presets), at this fraction of the learning rate. */
  fineTuneFrom?: string;
  fineTuneLrScale?: number;
  /** A named view set (see VIEW_SETS) or the views themselves. */
  views?: ViewSetName | ViewSpec[];
};

function resolveViews(views: ViewSetName | ViewSpec[]): ViewSpec[] {
  if (Array.isArray(views)) return views;
  if (!(views in VIEW_SETS)) throw new PainterError('INVALID_ARGUMENT', `unknown view set "${views}"; choose one of ${Object.keys(VIEW_SETS).join(', ')}`);
  return VIEW_SETS[views];
}

function resolveEmbedViews(views: EmbedViewSetName | ViewSpec[]): ViewSpec[] {
  if (Array.isArray(views)) return views;
  if (!(EMBED_VIEW_SET_NAMES as readonly string[]).includes(views)) {
    throw new PainterError('INVALID_ARGUMENT', `unknown embedding view set "${views}"; choose one of ${EMBED_VIEW_SET_NAMES.join(', ')}`);
  }
  return VIEW_SETS[views];
}

export function resolveTrainingConfig(overrides: TrainingOverrides = {}): { config: TrainingConfig; preset: PresetDefinition } {
  const preset = getPreset(overrides.preset ?? DEFAULT_PRESET);
  const d = preset.training;
  const loss = overrides.loss ?? d.loss;
  // Batch mining is defined over triplets; the contrastive loss draws random pairs.
  const mining = overrides.mining ?? (loss === 'contrastive' ? 'random' : d.mining);
  if (loss === 'contrastive' && mining !== 'random') {
    throw new PainterError('INVALID_ARGUMENT', `--mining ${mining} applies to the triplet loss; the contrastive loss uses random pairs`);
  }
  if (preset.kind !== 'head' && overrides.embedViews !== undefined) {
    throw new PainterError('INVALID_ARGUMENT', `--embed-views applies to head presets; the ${preset.name} preset embeds the centre crop`);
  }
  if (preset.kind !== 'head' && overrides.backbone !== undefined) {
    throw new PainterError('INVALID_ARGUMENT', `--backbone applies to head presets; the ${preset.name} preset trains a CNN from pixels`);
  }
  const backbone = preset.kind === 'head' ? getBackboneChoice(overrides.backbone ?? preset.training.backbone ?? DEFAULT_BACKBONE) : null;
  const fineTuneFrom = preset.kind === 'head' ? (overrides.fineTuneFrom ?? preset.training.fineTune?.from) : undefined;
  if (backbone && fineTuneFrom && !backbone.fineTunable) {
    throw new PainterError('INVALID_ARGUMENT', `--fine-tune-from rebuilds MobileNetV2's top; the ${backbone.name} backbone cannot be fine-tuned`);
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
    ...(backbone
      ? {
          views: resolveViews(overrides.views ?? preset.training.views ?? 'center'),
          embedViews: resolveEmbedViews(overrides.embedViews ?? preset.training.embedViews ?? 'center'),
          backbone: backbone.name,
        }
      : {}),
    ...(fineTuneFrom ? { fineTune: { from: fineTuneFrom, lrScale: overrides.fineTuneLrScale ?? preset.training.fineTune?.lrScale ?? 0.1 } } : {}),
    // Absent for the training split's artists, so configurations from before the choice read the same.
    ...(overrides.artists === 'all' ? { artists: 'all' as const } : {}),
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

/** The overrides that resolve to a stored configuration again (what a resumed run starts from). */
export function overridesOf(config: TrainingConfig): TrainingOverrides {
  const { fineTune, ...rest } = config;
  return { ...rest, ...(fineTune ? { fineTuneFrom: fineTune.from, fineTuneLrScale: fineTune.lrScale } : {}) };
}
