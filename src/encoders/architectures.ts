/**
 * Encoder networks. Each returns a plain tf.LayersModel whose output is the raw 2048-d vector;
 * L2 normalisation and scaling happen outside the model (see embedding-space.ts) so saved models
 * need no custom layers.
 */
import * as tf from '@tensorflow/tfjs';

export const EMBEDDING_DIM = 2048;

export interface ConvBlockSpec {
  /** Number of conv3×3 + BatchNorm + ReLU layers before the block's 2×2 max-pool. */
  convs: number;
  filters: number;
}

export interface CnnSpec {
  inputSize: number;
  blocks: ConvBlockSpec[];
  embeddingDim?: number;
  seed: number;
}

/** A seeded initializer per layer, so the same seed builds the same network. */
function seededInit(kind: 'he' | 'glorot', seed: number, index: number): ReturnType<typeof tf.initializers.heNormal> {
  const s = (seed * 7919 + index * 104729) % 2147483647;
  return kind === 'he' ? tf.initializers.heNormal({ seed: s }) : tf.initializers.glorotUniform({ seed: s });
}

/**
 * Blocks of conv3×3 + BatchNorm + ReLU, each followed by max-pool(2), then global average pooling
 * (texture statistics are position-free, which suits style) and a dense layer to the embedding.
 */
export function buildCnn(spec: CnnSpec): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputSize, spec.inputSize, 3], name: 'image' });
  let x: tf.SymbolicTensor = input;
  let layer = 0;
  spec.blocks.forEach((block, b) => {
    for (let c = 0; c < block.convs; c++) {
      x = tf.layers
        .conv2d({
          filters: block.filters,
          kernelSize: 3,
          padding: 'same',
          useBias: false, // BatchNorm's offset makes a conv bias redundant
          kernelInitializer: seededInit('he', spec.seed, layer++),
          name: `block${b + 1}_conv${c + 1}`,
        })
        .apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization({ name: `block${b + 1}_bn${c + 1}` }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `block${b + 1}_relu${c + 1}` }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: spec.embeddingDim ?? EMBEDDING_DIM, kernelInitializer: seededInit('glorot', spec.seed, layer++), name: 'embedding' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'cnn_encoder' });
}

export interface HeadSpec {
  inputDim: number;
  /** Hidden layer widths; [] gives a linear projection. */
  hidden: number[];
  embeddingDim?: number;
  seed: number;
}

/** The trainable head that maps frozen backbone features to the embedding. */
export function buildHead(spec: HeadSpec): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputDim], name: 'features' });
  let x: tf.SymbolicTensor = input;
  spec.hidden.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: seededInit('he', spec.seed, i), name: `hidden${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers
    .dense({ units: spec.embeddingDim ?? EMBEDDING_DIM, kernelInitializer: seededInit('glorot', spec.seed, spec.hidden.length), name: 'embedding' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'head_encoder' });
}
