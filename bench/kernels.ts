/**
 * Times the wasm training kernels against the alternatives they replace, side by side:
 *   npx tsx bench/kernels.ts [--reps N] [--only depthwise filter-gradient …]
 * Shapes are those of a small CNN on 64×64 inputs, batch 16, channels 16-32-64-128, and (the
 * depthwise section) of MobileNetV2's top blocks at batch 32.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend } from '../src/compute/backend.js';
import {
  batchMatMulConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2DBackpropFilterConfig,
  depthwiseConv2DBackpropInputConfig,
  fusedBatchNormGradConfig,
  maxPoolGradConfig,
  stockGradients,
  stockWasmKernels,
} from '../src/compute/wasm-kernels/index.js';

const BATCH = 16;
const SIZE = 64;
const CHANNELS = [16, 32, 64, 128];
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv.slice(onlyArg + 1).filter((a) => !a.startsWith('--')) : null;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `f` in ms after one warm-up run; `f` must finish its work synchronously. */
function time(f: () => void, reps = REPS): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/**
 * CPU time of this thread in ms (Linux: /proc/thread-self/schedstat, in ns), else wall time. On a
 * shared machine it leaves out the time the thread waits for a core, and the GC helper threads.
 */
function threadMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return performance.now();
  }
}

/** Thread CPU time of one run of `f` in ms, for kernels slow enough that a warm-up would double the wait. */
function cpuTimeOnce(f: () => void): number {
  const t0 = threadMs();
  f();
  return threadMs() - t0;
}

/** Median thread CPU time of `f` in ms after one warm-up run. */
function cpuTime(f: () => void, reps = REPS): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = threadMs();
    f();
    ts.push(threadMs() - t0);
  }
  return median(ts);
}

function row(label: string, ours: number, other: number): string {
  return `${label.padEnd(30)} ${ours.toFixed(2).padStart(9)} ${other.toFixed(2).padStart(10)} ${(other / ours).toFixed(1).padStart(7)}×`;
}

function header(title: string, otherName: string): void {
  console.log(`\n${title}`);
  console.log(`${'shape'.padEnd(30)} ${'ours ms'.padStart(9)} ${otherName.padStart(10)} ${'speedup'.padStart(8)}`);
}

/** The direct six-loop filter gradient (as in the cpu backend), reading the wasm heap. */
function naiveFilterGradient({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const out = wasm.makeOutput([...a.filterShape], 'float32');
  const dW = wasm.typedArrayFromHeap(out) as Float32Array;
  const xv = wasm.typedArrayFromHeap(x) as Float32Array;
  const dyv = wasm.typedArrayFromHeap(dy) as Float32Array;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: O } = info;
  const { top, left } = info.padInfo;
  for (let fh = 0; fh < info.filterHeight; fh++) {
    for (let fw = 0; fw < info.filterWidth; fw++) {
      for (let c = 0; c < C; c++) {
        for (let o = 0; o < O; o++) {
          let acc = 0;
          for (let b = 0; b < info.batchSize; b++) {
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * info.strideHeight - top + fh;
              if (ih < 0 || ih >= H) continue;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * info.strideWidth - left + fw;
                if (iw < 0 || iw >= W) continue;
                acc += xv[((b * H + ih) * W + iw) * C + c] * dyv[((b * OH + oh) * OW + ow) * O + o];
              }
            }
          }
          dW[((fh * info.filterWidth + fw) * C + c) * O + o] = acc;
        }
      }
    }
  }
  return out;
}

function swapKernel(config: tf.KernelConfig): tf.KernelConfig {
  const previous = tf.getKernel(config.kernelName, config.backendName)!;
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
  return previous;
}

/** wasm kernels finish before returning; reading results back would time a heap copy instead. */
function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): void {
  (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
}

/** conv input shapes [N, H, W, inC] and output channels of the benchmark network. */
const convs = CHANNELS.map((outC, i) => ({
  x: [BATCH, SIZE >> i, SIZE >> i, i === 0 ? 3 : CHANNELS[i - 1]] as [number, number, number, number],
  outC,
}));

function benchFilterGradient(): void {
  header('Conv2DBackpropFilter: im2col + BatchMatMul vs direct loop', 'loop ms');
  const ours = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!;
  for (const { x: xs, outC } of convs) {
    const x = tf.randomNormal(xs);
    const dy = tf.randomNormal([BATCH, xs[1], xs[2], outC]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, xs[3], outC] };
    const t = time(() => runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs));
    swapKernel({ ...ours, kernelFunc: naiveFilterGradient as tf.KernelFunc });
    const tNaive = time(() => runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs), 1);
    swapKernel(ours);
    console.log(row(`x ${xs.join('×')} → ${outC}`, t, tNaive));
    tf.dispose([x, dy]);
  }
}

function benchInputGradient(): void {
  header('Conv2DBackpropInput: flipped forward conv vs stock wasm', 'stock ms');
  const stock = stockWasmKernels[tf.Conv2DBackpropInput]!;
  for (const { x: xs, outC } of convs.slice(1)) {
    const dy = tf.randomNormal([BATCH, xs[1], xs[2], outC]);
    const filter = tf.randomNormal([3, 3, xs[3], outC]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: xs };
    const t = time(() => runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs));
    swapKernel(stock);
    const tStock = time(() => runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs));
    swapKernel(conv2DBackpropInputConfig(stock));
    console.log(row(`dx ${xs.join('×')} ← ${outC}`, t, tStock));
    tf.dispose([dy, filter]);
  }
}

function benchMaxPoolGradient(): void {
  header('MaxPoolGrad 2×2/2: JS window scan vs stock wasm', 'stock ms');
  const stock = stockWasmKernels[tf.MaxPoolGrad]!;
  for (const [i, c] of CHANNELS.entries()) {
    const shape: [number, number, number, number] = [BATCH, SIZE >> i, SIZE >> i, c];
    const input = tf.tidy(() => tf.relu(tf.randomNormal(shape)));
    const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
    const dy = tf.randomNormal(output.shape);
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    const t = time(() => runKernel(tf.MaxPoolGrad, { dy, input, output }, attrs));
    swapKernel(stock);
    const tStock = time(() => runKernel(tf.MaxPoolGrad, { dy, input, output }, attrs));
    swapKernel(maxPoolGradConfig(stock));
    console.log(row(`x ${shape.join('×')}`, t, tStock));
    tf.dispose([input, output, dy]);
  }
}

function benchBatchNormGradient(): void {
  header('FusedBatchNorm gradient (all 5 inputs) vs stock', 'stock ms');
  const stock = stockGradients[tf.FusedBatchNorm]!;
  for (const [i, c] of CHANNELS.entries()) {
    const shape = [BATCH, SIZE >> i, SIZE >> i, c];
    const x = tf.randomNormal(shape);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const scale = tf.randomUniform([c], 0.5, 1.5);
    const dy = tf.randomNormal(shape);
    const attrs = { varianceEpsilon: 1e-3 } as unknown as tf.NamedAttrMap;
    const gradOf = (config: tf.GradConfig) => () =>
      tf.tidy(() => {
        const closures = config.gradFunc(dy, [x, mean, variance, scale], attrs);
        for (const k of ['x', 'mean', 'variance', 'scale', 'offset']) closures[k]();
      });
    const t = time(gradOf(fusedBatchNormGradConfig));
    const tStock = time(gradOf(stock));
    console.log(row(`x ${shape.join('×')}`, t, tStock));
    tf.dispose([x, mean, variance, scale, dy]);
  }
}

function benchMatMul(): void {
  header('BatchMatMul with transpose flags (dense-layer gradients) vs stock wasm', 'stock ms');
  const stock = stockWasmKernels[tf.BatchMatMul]!;
  for (const [batch, inUnits, outUnits] of [
    [BATCH, 128, 64],
    [BATCH, 8192, 256],
    [64, 2048, 512],
  ]) {
    const x = tf.randomNormal([batch, inUnits]);
    const w = tf.randomNormal([inUnits, outUnits]);
    const dy = tf.randomNormal([batch, outUnits]);
    for (const [label, a, b, transposeA, transposeB] of [
      [`dW = xᵀ·dy  ${inUnits}→${outUnits}, batch ${batch}`, x, dy, true, false],
      [`dX = dy·Wᵀ  ${inUnits}→${outUnits}, batch ${batch}`, dy, w, false, true],
    ] as const) {
      const attrs = { transposeA, transposeB };
      const t = time(() => runKernel(tf.BatchMatMul, { a, b }, attrs));
      swapKernel(stock);
      const tStock = time(() => runKernel(tf.BatchMatMul, { a, b }, attrs));
      swapKernel(batchMatMulConfig(stock));
      console.log(row(label, t, tStock));
    }
    tf.dispose([x, w, dy]);
  }
}

function buildModel(): tf.LayersModel {
  const model = tf.sequential();
  for (const [i, c] of CHANNELS.entries()) {
    model.add(tf.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', useBias: false, ...(i === 0 ? { inputShape: [SIZE, SIZE, 3] } : {}) }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 64 }));
  return model;
}

function benchTrainingStep(): void {
  const model = buildModel();
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 3]);
  const y = tf.randomNormal([BATCH, 64]);
  const step = (): void => {
    const loss = optimizer.minimize(
      () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    loss!.dataSync();
    loss!.dispose();
  };
  const t = time(step);
  // Only the missing filter gradient registered; everything else stock.
  const replaced = [tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.BatchMatMul].map((k) => swapKernel(stockWasmKernels[k]!));
  tf.registerGradient(stockGradients[tf.FusedBatchNorm]!);
  const tStock = time(step, Math.max(2, Math.ceil(REPS / 2)));
  replaced.forEach(swapKernel);
  tf.registerGradient(fusedBatchNormGradConfig);
  header(`Training step, ${SIZE}×${SIZE}, batch ${BATCH}, channels ${CHANNELS.join('-')}`, 'stock ms');
  console.log(row('conv+BN+ReLU+pool ×4, GAP, dense', t, tStock));
  console.log(`throughput: ${((BATCH * 1000) / t).toFixed(1)} img/s with all kernels, ${((BATCH * 1000) / tStock).toFixed(1)} img/s with only the filter gradient`);
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
}

/**
 * MobileNetV2's depthwise layers where fine-tuning its top blocks trains them, batch 32: the
 * stride-2 one (14×14×576, Keras pads it to 15×15 with ZeroPadding2D and convolves 'valid') and
 * a stride-1 one of the last stage (7×7×960, 'same').
 */
const DEPTHWISE_SHAPES = [
  { label: '14×14×576 s2 (15×15 valid)', x: [32, 15, 15, 576] as [number, number, number, number], strides: 2, pad: 'valid' },
  { label: '7×7×960 s1 same', x: [32, 7, 7, 960] as [number, number, number, number], strides: 1, pad: 'same' },
];

async function benchDepthwiseGradients(): Promise<void> {
  console.log('\nDepthwise-convolution gradients on MobileNetV2 shapes, batch 32');
  console.log("thread CPU ms per call: median of the runs; the cpu backend's kernels, one run; alt: our other formulation");
  console.log(
    `${'shape'.padEnd(30)} ${'kernel'.padEnd(7)} ${'ours ms'.padStart(9)} ${'cpu ms'.padStart(10)} ${'× cpu'.padStart(8)} ${'alt ms'.padStart(9)} ${'× alt'.padStart(7)}  alternative`,
  );
  const input = tf.getKernel(tf.DepthwiseConv2dNativeBackpropInput, 'wasm')!;
  const filter = tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, 'wasm')!;
  for (const shape of DEPTHWISE_SHAPES) {
    const c = shape.x[3];
    const filterShape = [3, 3, c, 1] as [number, number, number, number];
    const x = tf.randomNormal(shape.x);
    const w = tf.randomNormal(filterShape);
    const dy = tf.tidy(() => tf.randomNormal(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, shape.strides as 1 | 2, shape.pad as 'same').shape));
    const common = { strides: shape.strides, pad: shape.pad, dilations: 1 };
    const inputAttrs = { ...common, inputShape: shape.x };
    const filterAttrs = { ...common, filterShape };
    const runInput = () => runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: w }, inputAttrs);
    const runFilter = () => runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, filterAttrs);

    const tInput = cpuTime(runInput);
    const tFilter = cpuTime(runFilter);
    swapKernel(depthwiseConv2DBackpropInputConfig({ loopsOnly: true }));
    const tInputLoops = cpuTime(runInput);
    swapKernel(input);
    swapKernel(depthwiseConv2DBackpropFilterConfig({ generalOnly: true }));
    const tFilterGeneral = cpuTime(runFilter);
    swapKernel(filter);

    const values = { x: x.dataSync(), w: w.dataSync(), dy: dy.dataSync() };
    await tf.setBackend('cpu');
    const [xc, wc, dyc] = [tf.tensor(values.x, x.shape), tf.tensor(values.w, w.shape), tf.tensor(values.dy, dy.shape)];
    const tInputCpu = cpuTimeOnce(() => runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: dyc, filter: wc }, inputAttrs));
    const tFilterCpu = cpuTimeOnce(() => runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xc, dy: dyc }, filterAttrs));
    tf.dispose([xc, wc, dyc]);
    await tf.setBackend('wasm');

    const line = (kernel: string, ours: number, cpu: number, alt: number, altName: string) =>
      console.log(
        `${shape.label.padEnd(30)} ${kernel.padEnd(7)} ${ours.toFixed(2).padStart(9)} ${cpu.toFixed(1).padStart(10)} ${(cpu / ours).toFixed(0).padStart(7)}× ${alt.toFixed(2).padStart(9)} ${(alt / ours).toFixed(1).padStart(6)}×  ${altName}`,
      );
    line('dx', tInput, tInputCpu, tInputLoops, 'plain JS loops');
    line('dW', tFilter, tFilterCpu, tFilterGeneral, 'general loop (no 3×3 registers)');
    tf.dispose([x, w, dy]);
  }
}

const SECTIONS: Record<string, () => void | Promise<void>> = {
  'filter-gradient': benchFilterGradient,
  'input-gradient': benchInputGradient,
  'max-pool-gradient': benchMaxPoolGradient,
  'batch-norm-gradient': benchBatchNormGradient,
  'mat-mul': benchMatMul,
  depthwise: benchDepthwiseGradients,
  'training-step': benchTrainingStep,
};
const unknown = (ONLY ?? []).filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

const info = await initBackend('wasm');
console.log(describeBackend(info));
console.log(`median of ${REPS} runs after one warm-up (the direct loop: one run)`);
const before = tf.memory().numTensors;
for (const [name, run] of Object.entries(SECTIONS)) if (ONLY == null || ONLY.includes(name)) await run();
console.log(`\ntensors left over: ${tf.memory().numTensors - before}`);
