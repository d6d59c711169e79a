/**
 * The backbone as a training choice: a head trained on InceptionV3's features (generated
 * paintings, a few steps) is saved with the choice in its configuration and the InceptionV3 spec
 * in its manifest, and its ONNX export — InceptionV3, its style statistics and the head in one
 * graph — serves what tfjs computes from the same files.
 */
import { describe, expect, it } from 'vitest';
import { backboneIdOf, INCEPTION_V3_SPEC } from '../../src/backbone/spec.js';
import { BACKBONE_CHOICES } from '../../src/encoders/backbone-choices.js';
import { resolveTrainingConfig } from '../../training/config.js';
import { maxAbsDiff, trainHeadOnGenerated } from '../support/trained-head.js';
import { useTrainingWorkspace } from '../support/training-workspace.js';

const workspace = useTrainingWorkspace('painter-backbone-');

describe('painter train --backbone', () => {
  it('refuses a backbone for a CNN preset and fine-tuning a backbone it cannot rebuild', () => {
    expect(resolveTrainingConfig({}).config.backbone).toBe('mobilenet');
    expect(() => resolveTrainingConfig({ preset: 'small', backbone: 'inception' })).toThrow(/head presets/);
    expect(() => resolveTrainingConfig({ backbone: 'inception', fineTuneFrom: 'block_15_add' })).toThrow(/cannot be fine-tuned/);
    expect(resolveTrainingConfig({ backbone: 'both' }).config.backbone).toBe('both');
  });

  it('trains a head on InceptionV3, records the choice, and exports a graph that matches tfjs within 1e-4', { timeout: 600_000 }, async () => {
    const head = await trainHeadOnGenerated(workspace(), 10, 4, { backbone: 'inception' });
    expect('error' in head.trained.onnx ? head.trained.onnx.error : null).toBeNull();
    const { manifest } = head;
    expect(manifest.training.backbone).toBe('inception');
    expect(manifest.backbone!.spec).toEqual(INCEPTION_V3_SPEC);
    expect(manifest.backbone!.id).toBe(backboneIdOf(INCEPTION_V3_SPEC));
    expect(manifest.backbone!.featureTransform.use).toEqual(BACKBONE_CHOICES.inception.featureBlocks);
    expect(manifest.backbone!.featureTransform.use).toContain('mixed0.gram');
    expect(manifest.backbone!.featureTransform.use).toContain('mixed10.std');

    // tfjs from a cold cache (features computed on tfjs too) against the exported graph on ONNX Runtime.
    const diff = maxAbsDiff(await head.onnx(), await head.tfjs());
    console.log(`InceptionV3 head: max |onnx − tfjs| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
  });
});
