/**
 * Test-time augmentation: a head trained with `--embed-views flip` embeds each painting as the mean
 * of its own and its mirror image's embeddings — in tfjs (evaluation, from cached features of both
 * views) and in the exported ONNX graph (the index and queries, which mirror the pixels in-graph)
 * alike, so the two agree, and a painting and its mirror image get one embedding.
 */
import { describe, expect, it } from 'vitest';
import { VIEW_SETS } from '../../src/backbone/views.js';
import { maxAbsDiff, trainHeadOnGenerated } from '../support/trained-head.js';
import { useTrainingWorkspace } from '../support/training-workspace.js';

const workspace = useTrainingWorkspace('painter-embed-views-');

/** Each HWC image of a batch mirrored left–right. */
function mirrorPixels(pixels: Float32Array, count: number, size: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) out[((n * size + y) * size + (size - 1 - x)) * 3 + c] = pixels[((n * size + y) * size + x) * 3 + c];
  return out;
}

describe('painter train --embed-views flip', () => {
  it('embeds the mean of a painting and its mirror image, the same in tfjs and ONNX, and mirror-invariant', { timeout: 600_000 }, async () => {
    const head = await trainHeadOnGenerated(workspace(), 8, 6, { embedViews: 'flip' });
    expect('error' in head.trained.onnx ? head.trained.onnx.error : null).toBeNull();
    expect(head.manifest.training.embedViews).toEqual(VIEW_SETS.flip);

    const served = await head.onnx();
    const parity = maxAbsDiff(served, await head.tfjs());
    const invariance = maxAbsDiff(await head.onnx(mirrorPixels), served);
    console.log(`mirrored-mean head: max |onnx − tfjs| = ${parity.toExponential(2)}, max |e(mirror) − e| = ${invariance.toExponential(2)}`);
    expect(parity).toBeLessThan(1e-4);
    expect(invariance).toBeLessThan(1e-4);
  });
});
