/**
 * Input source for a model that fine-tunes the backbone above a cut: per item and view, the cut's
 * cached activation and the frozen feature blocks (already transformed). Training draws one view
 * per item, the same for both inputs; evaluation uses view 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/util/random.js';
import type { InputSource } from '../input-source.js';

export class FineTuneSource implements InputSource {
  private readonly actDim: number;

  constructor(
    /** `activations[v]`: size × h·w·c, NHWC rows. */
    private readonly activations: Float32Array[],
    readonly activationShape: [number, number, number],
    /** `frozen[v]`: size × frozenDim. */
    private readonly frozen: Float32Array[],
    readonly frozenDim: number,
  ) {
    this.actDim = activationShape[0] * activationShape[1] * activationShape[2];
    if (activations.length === 0 || activations.length !== frozen.length) throw new RangeError('one activation and one frozen row set per view are needed');
    for (const v of activations) if (v.length / this.actDim !== this.size) throw new RangeError('activation views differ in size');
    for (const v of frozen) if (frozenDim > 0 && v.length / frozenDim !== this.size) throw new RangeError('frozen views differ in size');
  }

  get size(): number {
    return this.activations[0].length / this.actDim;
  }

  tensor(indices: readonly number[], rng?: Rng): tf.Tensor[] {
    const act = new Float32Array(indices.length * this.actDim);
    const frozen = new Float32Array(indices.length * this.frozenDim);
    indices.forEach((item, r) => {
      const v = rng && this.activations.length > 1 ? rng.int(this.activations.length) : 0;
      act.set(this.activations[v].subarray(item * this.actDim, (item + 1) * this.actDim), r * this.actDim);
      frozen.set(this.frozen[v].subarray(item * this.frozenDim, (item + 1) * this.frozenDim), r * this.frozenDim);
    });
    return [tf.tensor4d(act, [indices.length, ...this.activationShape]), tf.tensor2d(frozen, [indices.length, this.frozenDim])];
  }

  dispose(): void {}
}
