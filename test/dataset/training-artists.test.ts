import { describe, expect, it } from 'vitest';
import { sameConfigurationBesidesArtists, trainingArtistsOf } from '../../src/dataset/training-artists.js';

describe('the artists a model trained on', () => {
  it('reads them from a stored configuration; older ones trained on the training split', () => {
    expect(trainingArtistsOf({ preset: 'pretrained', artists: 'all' })).toBe('all');
    expect(trainingArtistsOf({ preset: 'pretrained' })).toBe('training');
    expect(trainingArtistsOf({ artists: 'everyone' })).toBe('training');
    expect(trainingArtistsOf(null)).toBe('training');
  });

  it('tells a held-out twin: the same configuration in any key order, differing in the artists alone', () => {
    const heldOut = { preset: 'pretrained', epochs: 12, milestones: [8], views: [{ size: 224 }], seed: 42 };
    const all = { seed: 42, views: [{ size: 224 }], milestones: [8], artists: 'all', epochs: 12, preset: 'pretrained' };
    expect(sameConfigurationBesidesArtists(heldOut, all)).toBe(true);
    expect(sameConfigurationBesidesArtists(heldOut, { ...all, seed: 7 })).toBe(false);
    expect(sameConfigurationBesidesArtists(heldOut, { ...all, milestones: [4] })).toBe(false);
    expect(sameConfigurationBesidesArtists(heldOut, { ...all, views: [{ size: 224, flip: true }] })).toBe(false);
    expect(sameConfigurationBesidesArtists(heldOut, { ...all, backbone: 'inception' })).toBe(false);
  });
});
