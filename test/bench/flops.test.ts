import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countFlops } from '../../bench/lib/flops.js';
import { buildCnn } from '../../src/encoders/architectures.js';
import { exportToOnnx } from '../../src/onnx/export-encoder.js';
import { GraphBuilder } from '../../src/onnx/onnx-builder.js';

const zeros = (n: number) => new Float32Array(n);

/**
 * NHWC 8×8×3 image → NCHW → conv3×3 3→4 (same) → ReLU → max-pool 2 → conv3×3 4→4 in 2 groups,
 * stride 2 (same) → conv3×3 4→6 (valid) → global average pool → flatten → Gemm 6→5 → MatMul 5→7.
 */
function smallNetwork(): Uint8Array {
  const g = new GraphBuilder();
  const input = g.name('image');
  g.name('embedding');
  let x = g.op('Transpose', [input], { perm: [0, 3, 1, 2] });
  x = g.op('Conv', [x, g.floatConst('w1', [4, 3, 3, 3], zeros(108)), g.floatConst('b1', [4], zeros(4))], { kernel_shape: [3, 3], auto_pad: 'SAME_UPPER' });
  x = g.op('Relu', [x]);
  x = g.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'VALID' }); // 4×4×4
  x = g.op('Conv', [x, g.floatConst('w2', [4, 2, 3, 3], zeros(72))], { kernel_shape: [3, 3], strides: [2, 2], group: 2, auto_pad: 'SAME_UPPER' }); // 4×2×2
  x = g.op('Conv', [x, g.floatConst('w3', [6, 4, 1, 1], zeros(24))], { kernel_shape: [1, 1], pads: [1, 1, 1, 1] }); // 6×4×4
  x = g.op('GlobalAveragePool', [x]);
  x = g.op('Flatten', [x], { axis: 1 });
  x = g.op('Gemm', [x, g.floatConst('w4', [6, 5], zeros(30)), g.floatConst('b4', [5], zeros(5))]);
  x = g.op('MatMul', [x, g.floatConst('w5', [5, 7], zeros(35))]);
  g.opTo('Identity', [x], 'embedding');
  return g.encode({ graphName: 'small', input: { name: input, shape: ['N', 8, 8, 3] }, output: { name: 'embedding', shape: ['N', 7] }, opset: 13 });
}

describe('countFlops', () => {
  it('counts a small network by hand', () => {
    const count = countFlops(smallNetwork());
    const conv1 = 2 * 4 * 3 * 9 * 8 * 8; // 13,824
    const conv2 = 2 * 4 * 2 * 9 * 2 * 2; // grouped, strided: 576
    const conv3 = 2 * 6 * 4 * 1 * 4 * 4; // 1×1 with padding 1 grows 2×2 to 4×4: 768
    const gemm = 2 * 6 * 5;
    const matmul = 2 * 5 * 7;
    expect(count.layers.map((l) => l.flops)).toEqual([conv1, conv2, conv3, gemm, matmul]);
    expect(count.total).toBe(conv1 + conv2 + conv3 + gemm + matmul);
    expect(count.byOp).toEqual({ Conv: conv1 + conv2 + conv3, Gemm: gemm, MatMul: matmul });
    expect(count.inputShape).toEqual([1, 8, 8, 3]);
    expect(count.outputShape).toEqual([1, 7]);
    expect(count.layers[2].output).toEqual([1, 6, 4, 4]);
  });

  it('matches the closed form for an exported CNN preset', async () => {
    await tf.setBackend('cpu');
    const spec = { inputSize: 32, blocks: [{ convs: 2, filters: 8 }, { convs: 1, filters: 16 }], embeddingDim: 64, seed: 1 };
    const model = buildCnn(spec);
    const count = countFlops(exportToOnnx(model, { embeddingScale: 5 }));
    model.dispose();
    // conv3×3 'same' keeps the size; each block's pool halves it; the dense maps the last channels to the embedding.
    let size = 32;
    let channels = 3;
    let expected = 0;
    for (const block of spec.blocks) {
      for (let c = 0; c < block.convs; c++) {
        expected += 2 * block.filters * channels * 9 * size * size;
        channels = block.filters;
      }
      size /= 2;
    }
    expected += 2 * channels * spec.embeddingDim;
    expect(count.total).toBe(expected);
    expect(count.outputShape).toEqual([1, 64]);
  });

  it('follows Slice (a mirror image, step −1) and Unsqueeze: a batch of images and their mirror images costs twice one', () => {
    const build = (mirrored: boolean) => {
      const g = new GraphBuilder();
      const input = g.name('image');
      g.name('embedding');
      let x = input;
      if (mirrored) {
        const flip = g.op('Slice', [x, g.int64Const('s', [-1]), g.int64Const('e', [-(2 ** 31)]), g.int64Const('a', [2]), g.int64Const('st', [-1])]);
        x = g.op('Concat', [x, flip], { axis: 0 });
      }
      x = g.op('Transpose', [x], { perm: [0, 3, 1, 2] });
      x = g.op('Conv', [x, g.floatConst('w', [4, 3, 3, 3], zeros(108))], { kernel_shape: [3, 3], auto_pad: 'SAME_UPPER' });
      x = g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 });
      x = g.op('Unsqueeze', [x, g.int64Const('u', [0])]);
      g.opTo('Identity', [x], 'embedding');
      return g.encode({ graphName: 'm', input: { name: input, shape: ['N', 8, 8, 3] }, output: { name: 'embedding', shape: ['N', 4] }, opset: 13 });
    };
    const one = countFlops(build(false));
    const both = countFlops(build(true));
    expect(one.total).toBe(2 * 4 * 3 * 9 * 8 * 8);
    expect(both.total).toBe(2 * one.total);
    expect(both.layers[0].output).toEqual([2, 4, 8, 8]);
    expect(both.outputShape).toEqual([1, 2, 4]);
  });

  it('names the operator it cannot pass', () => {
    const g = new GraphBuilder();
    const input = g.name('x');
    g.opTo('Einsum', [input], 'y');
    const bytes = g.encode({ graphName: 'odd', input: { name: input, shape: ['N', 4] }, output: { name: 'y', shape: ['N', 4] }, opset: 13 });
    expect(() => countFlops(bytes)).toThrow(/Einsum/);
  });
});
