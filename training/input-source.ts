import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../src/util/random.js';

/**
 * Turns item indices into the model's input tensor. With an Rng the items are augmented
 * (training); without one they are presented as they are (validation, evaluation).
 */
export interface InputSource {
  readonly size: number;
  /** One tensor, or one per input of a model with several (e.g. a cached activation and the frozen features). */
  tensor(indices: readonly number[], rng?: Rng): tf.Tensor | tf.Tensor[];
  dispose(): void;
}
