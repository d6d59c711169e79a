import { describe, expect, it } from 'vitest';
import { overridesOf, resolveTrainingConfig } from '../../training/config.js';

describe('a stored training configuration', () => {
  it.each([
    ['the default', {}],
    ['a fine-tuned head on several views', { fineTuneFrom: 'block_15_add', fineTuneLrScale: 0.05, views: 'flip' as const, augment: true }],
    ['a head on InceptionV3', { backbone: 'inception' as const, epochs: 3 }],
    ['a CNN preset', { preset: 'small' as const, imageSize: 48 }],
  ])('resolves to itself again when a run resumes: %s', (_name, overrides) => {
    const { config } = resolveTrainingConfig(overrides);
    expect(resolveTrainingConfig(overridesOf(config)).config).toEqual(config);
  });

  it('keeps the fine-tuning cut it was trained with', () => {
    const { config } = resolveTrainingConfig({ fineTuneFrom: 'block_15_add' });
    expect(config.fineTune).toEqual({ from: 'block_15_add', lrScale: 0.1 });
    expect(resolveTrainingConfig(overridesOf(config)).config.fineTune).toEqual(config.fineTune);
  });
});
