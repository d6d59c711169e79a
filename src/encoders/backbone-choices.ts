/**
 * The frozen backbones a head can be trained on, by the name `painter train --backbone` takes:
 * each names the feature spec its rows are computed from and the blocks of those rows the head
 * reads. The spec is stored in the model's manifest, so extraction, the ONNX export and serving
 * follow the choice from there.
 */
import { DEFAULT_BACKBONE_SPEC, INCEPTION_V3_SPEC, MOBILENET_INCEPTION_SPEC, partBlockName, styleBlockName, type BackboneSpec, type FeatureSpec } from '../backbone/spec.js';
import { PainterError } from '../errors.js';
import { DEFAULT_FEATURE_BLOCKS } from './backbone-defaults.js';

export const BACKBONE_NAMES = ['mobilenet', 'inception', 'both'] as const;
export type BackboneName = (typeof BACKBONE_NAMES)[number];
export const DEFAULT_BACKBONE: BackboneName = 'mobilenet';

export interface BackboneChoice {
  name: BackboneName;
  description: string;
  spec: FeatureSpec;
  /** The blocks of the row the head reads (featureTransform.use). */
  featureBlocks: string[];
  /** Whether `--fine-tune-from` can rebuild this backbone's top (MobileNetV2 only). */
  fineTunable: boolean;
}

/** The pooled block and every tapped layer's mean, std and Gram blocks. */
function everyStyleBlock(spec: BackboneSpec): string[] {
  return ['pooled', ...spec.styleLayers.flatMap((l) => ['mean', 'std', 'gram'].map((s) => `${styleBlockName(spec.variant, l)}.${s}`))];
}

const INCEPTION_BLOCKS = everyStyleBlock(INCEPTION_V3_SPEC);

export const BACKBONE_CHOICES: Record<BackboneName, BackboneChoice> = {
  mobilenet: {
    name: 'mobilenet',
    description: 'MobileNetV2: the pooled features and the style statistics of block_3, block_6 and block_13',
    spec: DEFAULT_BACKBONE_SPEC,
    featureBlocks: DEFAULT_FEATURE_BLOCKS,
    fineTunable: true,
  },
  inception: {
    name: 'inception',
    description: 'InceptionV3: the pooled features and the style statistics of every mixed block (mixed0–mixed10)',
    spec: INCEPTION_V3_SPEC,
    featureBlocks: INCEPTION_BLOCKS,
    fineTunable: false,
  },
  both: {
    name: 'both',
    description: "MobileNetV2's and InceptionV3's blocks side by side",
    spec: MOBILENET_INCEPTION_SPEC,
    featureBlocks: [
      ...DEFAULT_FEATURE_BLOCKS.map((b) => partBlockName('MobileNetV2', b)),
      ...INCEPTION_BLOCKS.map((b) => partBlockName('InceptionV3', b)),
    ],
    fineTunable: false,
  },
};

export function getBackboneChoice(name: string): BackboneChoice {
  if (!(BACKBONE_NAMES as readonly string[]).includes(name)) {
    throw new PainterError('INVALID_ARGUMENT', `unknown backbone "${name}"; choose one of ${BACKBONE_NAMES.join(', ')}`);
  }
  return BACKBONE_CHOICES[name as BackboneName];
}
