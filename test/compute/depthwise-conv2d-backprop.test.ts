import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/compute/backend.js';
import {
  depthwiseConv2DBackpropFilterConfig,
  depthwiseConv2DBackpropInputConfig,
  registerWasmTrainingKernels,
} from '../../src/compute/wasm-kernels/index.js';
import { Rng } from '../../src/util/random.js';
import { normals, size } from './random-values.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];
interface Case {
  x: Shape4;
  /** [fH, fW, C, M] */
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const INPUT = tf.DepthwiseConv2dNativeBackpropInput;
const FILTER = tf.DepthwiseConv2dNativeBackpropFilter;

/** Every combination of batch, odd and even sizes, strides, paddings, kernel sizes and channels. */
function grid(): Case[] {
  const cases: Case[] = [];
  const pads: Pad[] = ['same', 'valid', [[0, 0], [0, 1], [0, 1], [0, 0]], [[0, 0], [2, 1], [1, 2], [0, 0]]];
  const inputs: Shape4[] = [
    [1, 7, 7, 3],
    [2, 8, 6, 5],
    [3, 9, 10, 2],
  ];
  for (const x of inputs) {
    for (const k of [3, 5]) {
      for (const strides of [1, 2] as const) {
        for (const pad of pads) cases.push({ x, filter: [k, k, x[3], 1], strides, pad });
      }
    }
  }
  return cases;
}

const MORE: Case[] = [
  // Channel multipliers above 1 (the loops only).
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'same' },
  { x: [2, 9, 8, 4], filter: [5, 5, 4, 3], strides: 2, pad: 'valid' },
  { x: [1, 8, 8, 2], filter: [3, 3, 2, 4], strides: 2, pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
  // Non-square filters and strides, one channel, a numeric pad with a rounding mode.
  { x: [2, 7, 9, 1], filter: [3, 2, 1, 1], strides: [2, 1], pad: 'same' },
  { x: [2, 8, 8, 6], filter: [3, 3, 6, 1], strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { x: [1, 10, 11, 3], filter: [5, 3, 3, 2], strides: [1, 2], pad: 2, dimRoundingMode: 'ceil' },
  // Padding wider than the filter: no forward-correlation equivalent, the loops run.
  { x: [2, 5, 5, 3], filter: [3, 3, 3, 1], strides: 1, pad: [[0, 0], [3, 3], [4, 2], [0, 0]] },
  // A channel count with a remainder for SIMD lanes, and one pixel of output.
  { x: [2, 3, 3, 17], filter: [3, 3, 17, 1], strides: 2, pad: 'valid' },
];

const name = (c: Case): string =>
  `x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${JSON.stringify(c.strides)}, pad ${JSON.stringify(c.pad)}` +
  (c.dimRoundingMode ? ` (${c.dimRoundingMode})` : '');

function outShapeOf(c: Case): number[] {
  return tf.tidy(
    () => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode).shape,
  );
}

function valuesFor(c: Case, seed: number) {
  const rng = new Rng(seed);
  const outShape = outShapeOf(c);
  return { x: normals(rng, size(c.x)), w: normals(rng, size(c.filter)), dy: normals(rng, size(outShape)), outShape };
}
type Values = ReturnType<typeof valuesFor>;

const baseAttrs = (c: Case) => ({ strides: c.strides, pad: c.pad, dilations: 1, dimRoundingMode: c.dimRoundingMode });

/** Runs a kernel directly on the active backend. */
function runKernel(kernel: string, c: Case, v: Values, extraAttrs: object = {}): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const out =
      kernel === INPUT
        ? tf.engine().runKernel(INPUT, { dy: tf.tensor(v.dy, v.outShape), filter: tf.tensor(v.w, c.filter) }, {
            ...baseAttrs(c),
            inputShape: c.x,
            ...extraAttrs,
          } as unknown as tf.NamedAttrMap)
        : tf.engine().runKernel(FILTER, { x: tf.tensor(v.x, c.x), dy: tf.tensor(v.dy, v.outShape) }, {
            ...baseAttrs(c),
            filterShape: c.filter,
            ...extraAttrs,
          } as unknown as tf.NamedAttrMap);
    const t = out as tf.Tensor;
    return { shape: t.shape, values: t.dataSync() as Float32Array };
  });
}

/** Runs `f` with `config` registered in place of the current wasm kernel. */
function withKernel<T>(config: tf.KernelConfig, f: () => T): T {
  const current = tf.getKernel(config.kernelName, 'wasm')!;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
  try {
    return f();
  } finally {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(current);
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Relative agreement within `rel`; elements that cancel to near zero are judged relative to
 * 1% of the largest magnitude instead of their own.
 */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  const floor = 1e-2 * maxAbs(expected);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor, 1e-30);
    if (err > worst) [worst, at] = [err, i];
  }
  expect(worst, `${label}: worst relative error at ${at} (${actual[at]} vs ${expected[at]})`).toBeLessThanOrEqual(rel);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('depthwise-convolution gradients on wasm', () => {
  it('are registered for the wasm backend, idempotently', () => {
    expect(tf.getBackend()).toBe('wasm');
    const input = tf.getKernel(INPUT, 'wasm');
    const filter = tf.getKernel(FILTER, 'wasm');
    expect(input).toBeDefined();
    expect(filter).toBeDefined();
    registerWasmTrainingKernels();
    expect(tf.getKernel(INPUT, 'wasm')).toBe(input);
    expect(tf.getKernel(FILTER, 'wasm')).toBe(filter);
  });

  it("keep the backend's own kernels where it ships them", () => {
    for (const kernelName of [INPUT, FILTER]) {
      const ours = tf.getKernel(kernelName, 'wasm')!;
      const own: tf.KernelConfig = { kernelName, backendName: 'wasm', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) };
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel(own);
      try {
        registerWasmTrainingKernels();
        expect(tf.getKernel(kernelName, 'wasm')).toBe(own);
      } finally {
        tf.unregisterKernel(kernelName, 'wasm');
        tf.registerKernel(ours);
      }
    }
  });

  const cases = [...grid(), ...MORE];
  it(`the grid covers what MobileNetV2 needs (${cases.length} cases)`, () => {
    const has = (p: (c: Case) => boolean) => cases.some(p);
    expect(has((c) => c.strides === 2 && Array.isArray(c.pad) && c.filter[0] === 3 && c.filter[3] === 1)).toBe(true);
    expect(has((c) => c.strides === 1 && c.pad === 'same' && c.filter[0] === 3)).toBe(true);
    expect(has((c) => c.filter[0] === 5 && c.strides === 2)).toBe(true);
    expect(has((c) => c.x[0] > 1 && c.x[1] % 2 === 1)).toBe(true);
  });

  for (const [i, c] of cases.entries()) {
    it(`match the cpu backend's kernels within 1e-4: ${name(c)}`, async () => {
      const v = valuesFor(c, 1000 + i);
      const input = runKernel(INPUT, c, v);
      const inputLoops = withKernel(depthwiseConv2DBackpropInputConfig({ loopsOnly: true }), () => runKernel(INPUT, c, v));
      const filter = runKernel(FILTER, c, v);
      const filterGeneral = withKernel(depthwiseConv2DBackpropFilterConfig({ generalOnly: true }), () => runKernel(FILTER, c, v));
      await tf.setBackend('cpu');
      const inputCpu = runKernel(INPUT, c, v);
      const filterCpu = runKernel(FILTER, c, v);
      await tf.setBackend('wasm');
      expect(input.shape).toEqual(c.x);
      expect(filter.shape).toEqual(c.filter);
      expect(maxAbs(inputCpu.values)).toBeGreaterThan(0.1);
      expect(maxAbs(filterCpu.values)).toBeGreaterThan(0.1);
      expectClose(input.values, inputCpu.values, 1e-4, 'dx');
      expectClose(inputLoops.values, inputCpu.values, 1e-4, 'dx (loops)');
      expectClose(filter.values, filterCpu.values, 1e-4, 'dW');
      expectClose(filterGeneral.values, filterCpu.values, 1e-4, 'dW (general loop)');
    });
  }

  /** A small depthwise layer with a nonlinear loss: L = Σ r ⊙ tanh(depthwise(x, W) + bias). */
  const NUMERIC: Case[] = [
    { x: [2, 6, 6, 3], filter: [3, 3, 3, 1], strides: 2, pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
    { x: [2, 5, 6, 2], filter: [3, 3, 2, 1], strides: 1, pad: 'same' },
    { x: [1, 7, 7, 2], filter: [5, 5, 2, 1], strides: 2, pad: 'same' },
    { x: [2, 5, 5, 2], filter: [3, 3, 2, 2], strides: 1, pad: 'valid' },
  ];
  for (const [i, c] of NUMERIC.entries()) {
    it(`match central differences of a depthwise layer's loss: ${name(c)}`, () => {
      const v = valuesFor(c, 2000 + i);
      const bias = normals(new Rng(3000 + i), c.filter[2] * c.filter[3]);
      const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        tf.sum(
          tf.mul(
            tf.tanh(tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as 'same'), tf.tensor1d(bias))),
            tf.tensor(v.dy, v.outShape),
          ),
        );
      const [dx, dw] = tf.tidy(() => {
        const g = tf.grads(loss)([tf.tensor(v.x, c.x), tf.tensor(v.w, c.filter)]);
        return g.map((t) => t.dataSync() as Float32Array);
      });
      const at = (x: Float32Array, w: Float32Array): number => tf.tidy(() => loss(tf.tensor(x, c.x), tf.tensor(w, c.filter)).dataSync()[0]);
      const eps = 1e-2;
      const numeric = (which: 'x' | 'w'): Float32Array => {
        const base = which === 'x' ? v.x : v.w;
        const out = new Float32Array(base.length);
        for (let j = 0; j < base.length; j++) {
          const plus = base.slice();
          const minus = base.slice();
          plus[j] += eps;
          minus[j] -= eps;
          const [lp, lm] = which === 'x' ? [at(plus, v.w), at(minus, v.w)] : [at(v.x, plus), at(v.x, minus)];
          out[j] = (lp - lm) / (2 * eps);
        }
        return out;
      };
      for (const [label, analytic, num] of [
        ['dx', dx, numeric('x')],
        ['dW', dw, numeric('w')],
      ] as const) {
        const scale = maxAbs(num);
        expect(scale, label).toBeGreaterThan(0.1);
        for (let j = 0; j < num.length; j++) {
          expect(Math.abs(analytic[j] - num[j]), `${label}[${j}]`).toBeLessThanOrEqual(1e-2 * Math.max(Math.abs(num[j]), 0.1 * scale));
        }
      }
    });
  }

  it('serve the fused depthwise convolution (bias and ReLU6) too: its gradients match the cpu backend', async () => {
    const c: Case = { x: [2, 9, 9, 8], filter: [3, 3, 8, 1], strides: 2, pad: 'same' };
    const v = valuesFor(c, 4000);
    const bias = normals(new Rng(4001), 8);
    const grads = () =>
      tf.tidy(() => {
        const dyt = tf.tensor(v.dy, v.outShape);
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias: b, activation: 'relu6' }),
              dyt,
            ),
          );
        return tf.grads(f)([tf.tensor(v.x, c.x), tf.tensor(v.w, c.filter), tf.tensor1d(bias)]).map((t) => t.dataSync() as Float32Array);
      });
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    await tf.setBackend('wasm');
    for (const [i, label] of ['dx', 'dW', 'dBias'].entries()) {
      expect(maxAbs(onCpu[i]), label).toBeGreaterThan(0.1);
      expectClose(onWasm[i], onCpu[i], 1e-4, label);
    }
  });

  it('reject dilations other than 1 with a clear error', () => {
    const c = MORE[0];
    const v = valuesFor(c, 10);
    expect(() => runKernel(INPUT, c, v, { dilations: 2 })).toThrow(/DepthwiseConv2dNativeBackpropInput \(wasm\): dilations 2 are not supported, only 1/);
    expect(() => runKernel(FILTER, c, v, { dilations: [1, 2] })).toThrow(/DepthwiseConv2dNativeBackpropFilter \(wasm\): dilations \[1,2\] are not supported/);
  });

  it('reject NCHW and mismatched shapes with a clear error', () => {
    const c = MORE[0];
    const v = valuesFor(c, 11);
    expect(() => runKernel(FILTER, c, v, { dataFormat: 'NCHW' })).toThrow(/dataFormat NCHW is not supported, only NHWC/);
    expect(() => runKernel(INPUT, c, v, { inputShape: [2, 7, 7, 4] })).toThrow(/input has 4 channels but the filter expects 3/);
    expect(() => runKernel(FILTER, c, v, { strides: 2 })).toThrow(/dy has shape \[2,7,7,6\], expected \[2,4,4,6\]/);
  });

  it('leak neither tensors nor wasm buffers, on every path', () => {
    const strided = cases.find((c) => c.strides === 2 && c.pad === 'same' && c.filter[3] === 1)!;
    const loops = MORE[1];
    const run = () => {
      for (const c of [strided, loops]) {
        const v = valuesFor(c, 12);
        runKernel(INPUT, c, v);
        runKernel(FILTER, c, v);
        const grads = tf.tidy(() =>
          tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as 'same')))([
            tf.tensor(v.x, c.x),
            tf.tensor(v.w, c.filter),
          ]),
        );
        tf.dispose(grads);
      }
    };
    run();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (let k = 0; k < 3; k++) run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });

  it('give zeros for an empty batch', () => {
    const c: Case = { x: [0, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, pad: 'same' };
    const v = { x: new Float32Array(0), w: normals(new Rng(1), 18), dy: new Float32Array(0), outShape: [0, 5, 5, 2] };
    expect(runKernel(INPUT, c, v).shape).toEqual([0, 5, 5, 2]);
    const dw = runKernel(FILTER, c, v);
    expect(dw.shape).toEqual([3, 3, 2, 1]);
    expect(Array.from(dw.values).every((g) => g === 0)).toBe(true);
  });
});
