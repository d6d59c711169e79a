import { describe, expect, it } from 'vitest';
import { overridesOf, resolveTrainingConfig } from '../../training/config.js';

describe('a stored training configuration', () => {
  it.each([
    ['the default', {}],
    ['a fine-tuned head on several views', { fineTuneFrom: 'block_15_add', fineTuneLrScale: 0.05, views: 'flip' as const, augment: true }],
    ['a head on InceptionV3', { backbone: 'inception' as const, epochs: 3 }],
    ['a CNN preset', { preset: 'small' as const, imageSize: 48 }],
    ['a model of every artist', { artists: 'all' as const }],
    ['a head embedding the mirrored mean', { embedViews: 'flip' as const }],
  ])('resolves to itself again when a run resumes: %s', (_name, overrides) => {
    const { config } = resolveTrainingConfig(overrides);
    expect(resolveTrainingConfig(overridesOf(config)).config).toEqual(config);
  });

  it('keeps the fine-tuning cut it was trained with', () => {
    const { config } = resolveTrainingConfig({ fineTuneFrom: 'block_15_add' });
    expect(config.fineTune).toEqual({ from: 'block_15_add', lrScale: 0.1 });
    expect(resolveTrainingConfig(overridesOf(config)).config.fineTune).toEqual(config.fineTune);
  });

  it('records training on every artist, and leaves the training split alone unrecorded', () => {
    expect(resolveTrainingConfig({ artists: 'all' }).config.artists).toBe('all');
    // Configurations stored before the choice existed read the same as new ones.
    expect('artists' in resolveTrainingConfig({}).config).toBe(false);
    expect('artists' in resolveTrainingConfig({ artists: 'training' }).config).toBe(false);
  });

  it('records the views averaged into each embedding: head presets only, a set the ONNX graph can compute', () => {
    // The pretrained preset embeds a painting with its mirror image unless told otherwise.
    expect(resolveTrainingConfig({}).config.embedViews).toEqual([{ size: 224 }, { size: 224, flip: true }]);
    expect(resolveTrainingConfig({ embedViews: 'center' }).config.embedViews).toEqual([{ size: 224 }]);
    expect(() => resolveTrainingConfig({ preset: 'small', embedViews: 'flip' })).toThrow(/head presets/);
    expect(() => resolveTrainingConfig({ embedViews: 'standard' as never })).toThrow(/center, flip/);
  });
});
