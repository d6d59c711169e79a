/**
 * BatchMatMul for the wasm backend that never hands a transpose flag to the stock kernel. Its
 * transposed paths are 5-20× slower than transposing explicitly and multiplying untransposed
 * (bench/kernels.ts), and every weight gradient takes one: dense dW = xᵀ·dy, dX = dy·Wᵀ.
 * The stock kernel repacks its right operand on every call, so for A·Bᵀ the cheaper of A·(Bᵀ)
 * and (B·Aᵀ)ᵀ is chosen by which side is smaller to move. Untransposed calls pass straight through.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function makeBatchMatMulKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const transposeKernel = tf.getKernel(tf.Transpose, 'wasm');
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || transposeKernel == null) {
      return stock(args);
    }
    const wasm = backend as BackendWasm;
    const transpose = (x: tf.TensorInfo): tf.TensorInfo => {
      const r = x.shape.length;
      const perm = [...Array(r - 2).keys(), r - 1, r - 2];
      return transposeKernel.kernelFunc({ inputs: { x }, attrs: { perm }, backend }) as tf.TensorInfo;
    };
    const mul = (x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo =>
      stock({ inputs: { a: x, b: y }, attrs: { transposeA: false, transposeB: false }, backend }) as tf.TensorInfo;
    const temporaries: tf.TensorInfo[] = [];
    const temp = (x: tf.TensorInfo): tf.TensorInfo => (temporaries.push(x), x);
    try {
      // Aᵀ·Bᵀ = (B·A)ᵀ
      if (transposeA && transposeB) return transpose(temp(mul(b, a)));
      if (transposeA) return mul(temp(transpose(a)), b);
      const outSize = (size(a.shape) / a.shape[a.shape.length - 1]) * b.shape[b.shape.length - 2];
      // A·Bᵀ = (B·Aᵀ)ᵀ moves A and the output instead of a larger B.
      if (size(a.shape) + outSize < size(b.shape)) return transpose(temp(mul(b, temp(transpose(a)))));
      return mul(a, temp(transpose(b)));
    } finally {
      for (const x of temporaries) wasm.disposeData(x.dataId);
    }
  };
}

/** Wraps the backend's own kernel, which does the multiplication and keeps its setup hook. */
export function batchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: makeBatchMatMulKernel(stock.kernelFunc),
  };
}
