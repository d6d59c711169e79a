/**
 * Encoder presets: the architecture and the training defaults that suit it on this kind of
 * hardware. `painter train --preset NAME` starts from these; any flag overrides them.
 */
import { PainterError } from '../errors.js';
import { EMBEDDING_DIM, type ConvBlockSpec } from './architectures.js';
import { DEFAULT_EMBEDDING_SCALE } from './embedding-space.js';
import type { EmbedViewSetName, ViewSetName } from '../backbone/views.js';
import type { BackboneName } from './backbone-choices.js';

export const PRESET_NAMES = ['pretrained', 'small', 'seed'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export type LossName = 'triplet' | 'contrastive';
export type MiningName = 'random' | 'batch-hard' | 'batch-all';

export interface TrainingDefaults {
  loss: LossName;
  mining: MiningName;
  margin: number;
  epochs: number;
  /** Images per step: triplets×3 for random mining, P×K for batch mining, pairs×2 for contrastive. */
  batchSize: number;
  /** Paintings per artist in a P×K batch. */
  paintingsPerArtist: number;
  lr: number;
  milestones: number[];
  gamma: number;
  /** Cap on optimisation steps per epoch (0 = one pass over the training paintings). */
  stepsPerEpoch: number;
  augment: boolean;
  /** Head presets: the named set of views cached per painting (see backbone/views.ts). */
  views?: ViewSetName;
  /** Head presets: the views whose embeddings are averaged into a painting's (default center). */
  embedViews?: EmbedViewSetName;
  /** Head presets: the frozen backbone (see BACKBONE_CHOICES; default mobilenet). */
  backbone?: BackboneName;
  /** Head presets: fine-tune the backbone above this layer, at `lrScale` × the learning rate. */
  fineTune?: { from: string; lrScale: number };
}

export interface PresetDefinition {
  name: PresetName;
  description: string;
  kind: 'cnn' | 'head';
  inputSize: number;
  blocks?: ConvBlockSpec[];
  hidden?: number[];
  embeddingDim: number;
  embeddingScale: number;
  training: TrainingDefaults;
}

const REFERENCE_SCHEDULE = { lr: 1e-3, milestones: [11, 25, 40], gamma: 0.1 };

export const PRESETS: Record<PresetName, PresetDefinition> = {
  pretrained: {
    name: 'pretrained',
    description:
      'Frozen ImageNet MobileNetV2 (from the nsfwjs package) with style statistics of intermediate layers; a trainable head maps them to 2048-d.',
    kind: 'head',
    inputSize: 224,
    hidden: [],
    embeddingDim: EMBEDDING_DIM,
    embeddingScale: DEFAULT_EMBEDDING_SCALE,
    training: {
      loss: 'triplet',
      mining: 'batch-all',
      margin: 2,
      // A head on frozen features overfits within a few hundred steps: a short schedule, and the
      // best validation epoch is the one kept.
      epochs: 12,
      batchSize: 128,
      paintingsPerArtist: 4,
      lr: 1e-3,
      milestones: [8],
      gamma: 0.1,
      stepsPerEpoch: 0,
      // Backbone features are cached per image; --augment adds the mirrored view as a second one.
      augment: false,
      // A painting's embedding is the mean of its own and its mirror image's: measured better on
      // every split (README, "Features that see more"), at one more backbone pass per image.
      embedViews: 'flip',
    },
  },
  small: {
    name: 'small',
    description: 'A from-scratch CNN (4 blocks, 16–128 channels, 64 px) that trains on two CPU cores in minutes.',
    kind: 'cnn',
    inputSize: 64,
    blocks: [
      { convs: 1, filters: 16 },
      { convs: 1, filters: 32 },
      { convs: 2, filters: 64 },
      { convs: 2, filters: 128 },
    ],
    embeddingDim: EMBEDDING_DIM,
    embeddingScale: DEFAULT_EMBEDDING_SCALE,
    training: {
      loss: 'triplet',
      mining: 'batch-all',
      margin: 2,
      epochs: 6,
      batchSize: 64,
      paintingsPerArtist: 4,
      lr: 1e-3,
      milestones: [4],
      gamma: 0.1,
      stepsPerEpoch: 60,
      augment: true,
    },
  },
  seed: {
    name: 'seed',
    description:
      'The reference network: 256 px, 5 blocks of 2–3 conv3×3 + BatchNorm + ReLU each followed by max-pool(2), 2048-d output. Meant for a GPU.',
    kind: 'cnn',
    inputSize: 256,
    blocks: [
      { convs: 2, filters: 64 },
      { convs: 2, filters: 128 },
      { convs: 3, filters: 256 },
      { convs: 3, filters: 512 },
      { convs: 3, filters: 512 },
    ],
    embeddingDim: EMBEDDING_DIM,
    embeddingScale: DEFAULT_EMBEDDING_SCALE,
    training: {
      loss: 'triplet',
      mining: 'random',
      margin: 2,
      epochs: 60,
      batchSize: 48,
      paintingsPerArtist: 4,
      ...REFERENCE_SCHEDULE,
      stepsPerEpoch: 0,
      augment: true,
    },
  },
};

export const DEFAULT_PRESET: PresetName = 'pretrained';

export function getPreset(name: string): PresetDefinition {
  if (!(name in PRESETS)) {
    throw new PainterError('PRESET_UNKNOWN', `Unknown preset "${name}"; choose one of ${Object.keys(PRESETS).join(', ')}`);
  }
  return PRESETS[name as PresetName];
}
