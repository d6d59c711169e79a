/**
 * A layer that L2-normalises each row and multiplies it by a fixed scale: how the feature
 * transform puts every feature block on the same footing, as a layer, for blocks that a model
 * computes itself (a fine-tuned backbone's pooled features) rather than reads from the cache.
 * tfjs has no such layer, so it is registered here; saved models name it by its class name.
 */
import * as tf from '@tensorflow/tfjs';

/** Same epsilon as normaliseBlocks. */
export const BLOCK_EPSILON = 1e-12;

export class BlockNormalization extends tf.layers.Layer {
  static className = 'BlockNormalization';
  readonly scale: number;

  constructor(config: { scale: number; name?: string }) {
    super(config);
    this.scale = config.scale;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), BLOCK_EPSILON))), this.scale);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(BlockNormalization);
