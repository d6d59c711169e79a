/**
 * Input source over precomputed backbone features: one row per item and view (e.g. the image and
 * its mirror). Training augments by drawing a random view; evaluation always uses view 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/util/random.js';
import type { InputSource } from '../input-source.js';

export class FeatureSource implements InputSource {
  /** `views[v]` holds size × dim features, row-major. */
  constructor(
    private readonly views: Float32Array[],
    readonly dim: number,
  ) {
    if (views.length === 0) throw new RangeError('at least one feature view is needed');
    for (const v of views) if (v.length !== views[0].length) throw new RangeError('feature views differ in size');
  }

  get size(): number {
    return this.views[0].length / this.dim;
  }

  tensor(indices: readonly number[], rng?: Rng): tf.Tensor2D {
    const out = new Float32Array(indices.length * this.dim);
    indices.forEach((item, r) => {
      const view = rng && this.views.length > 1 ? this.views[rng.int(this.views.length)] : this.views[0];
      out.set(view.subarray(item * this.dim, (item + 1) * this.dim), r * this.dim);
    });
    return tf.tensor2d(out, [indices.length, this.dim]);
  }

  dispose(): void {}
}
