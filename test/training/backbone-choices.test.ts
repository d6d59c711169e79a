import { describe, expect, it } from 'vitest';
import { backbonesOf, combinedLayout, INCEPTION_V3_MIXED_LAYERS, isCombined, layoutOf, type BackboneSpec } from '../../src/backbone/spec.js';
import { BACKBONE_CHOICES, BACKBONE_NAMES, getBackboneChoice } from '../../src/encoders/backbone-choices.js';

/** Block names do not depend on channel counts: any will do. */
const layout = (spec: BackboneSpec) => layoutOf(spec, 8, spec.styleLayers.map(() => 8));

describe('backbone choices', () => {
  it.each(BACKBONE_NAMES)('%s: the head reads blocks its spec’s rows have', (name) => {
    const choice = getBackboneChoice(name);
    const parts = backbonesOf(choice.spec).map(layout);
    const rows = isCombined(choice.spec) ? combinedLayout(choice.spec, parts) : parts[0];
    const names = new Set(rows.blocks.map((b) => b.name));
    expect(choice.featureBlocks.filter((b) => !names.has(b))).toEqual([]);
    expect(new Set(choice.featureBlocks).size).toBe(choice.featureBlocks.length);
  });

  it('reads every InceptionV3 block, and both backbones’ blocks side by side', () => {
    const inception = BACKBONE_CHOICES.inception.featureBlocks;
    expect(inception).toHaveLength(1 + 3 * INCEPTION_V3_MIXED_LAYERS.length);
    expect(BACKBONE_CHOICES.both.featureBlocks).toEqual([
      ...BACKBONE_CHOICES.mobilenet.featureBlocks.map((b) => `MobileNetV2/${b}`),
      ...inception.map((b) => `InceptionV3/${b}`),
    ]);
  });

  it('names the choices when given another', () => {
    expect(() => getBackboneChoice('resnet')).toThrow(/mobilenet, inception, both/);
  });
});
