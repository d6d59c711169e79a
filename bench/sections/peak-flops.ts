/**
 * Section `peak-flops`: what this machine's cores deliver in float32 through ONNX Runtime, measured
 * as a large matrix product (the best case for its kernels). Encoder throughput is reported as a
 * fraction of this, so "slow" can be told apart from "slow for this machine".
 */
import { availableParallelism } from 'node:os';
import { GraphBuilder } from '../../src/onnx/onnx-builder.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';
import { Rng } from '../../src/util/random.js';
import { median } from '../lib/stats.js';
import type { BenchContext, BenchResult, BenchSection } from '../lib/types.js';

export interface PeakFlopsOptions {
  /** Rows × inner × columns of the product; square 2048 by default. */
  size?: number;
  /** Thread counts measured side by side (default: 1 and every core). */
  threads?: number[];
  /** Timed products per thread count, alternated between the counts to share the machine's noise. */
  rounds?: number;
  seed?: number;
}

export interface PeakByThreads {
  threads: number;
  /** Best run: the peak. */
  flopsPerSecond: number;
  medianFlopsPerSecond: number;
  runSeconds: number[];
}

export interface PeakFlops {
  size: number;
  flopsPerProduct: number;
  byThreads: PeakByThreads[];
}

/** A one-node graph, x[n×n] · W[n×n], with W a constant so ONNX Runtime may pre-pack it as it would an encoder's weights. */
function matMulModel(n: number, rng: Rng): Uint8Array {
  const g = new GraphBuilder();
  const input = g.name('x');
  g.name('y');
  const w = new Float32Array(n * n);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-1, 1);
  g.opTo('MatMul', [input, g.floatConst('w', [n, n], w)], 'y');
  return g.encode({ graphName: 'peak', input: { name: input, shape: [n, n] }, output: { name: 'y', shape: [n, n] }, opset: 13 });
}

export async function measurePeakFlops(options: PeakFlopsOptions = {}): Promise<PeakFlops> {
  const n = options.size ?? 2048;
  const threadCounts = options.threads ?? [...new Set([1, availableParallelism()])];
  const rounds = options.rounds ?? 8;
  const rng = new Rng(options.seed ?? 1);
  const model = matMulModel(n, rng);
  const x = new Float32Array(n * n);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  const sessions = await Promise.all(threadCounts.map((threads) => OnnxSession.create(model, { threads })));
  try {
    const times = threadCounts.map(() => [] as number[]);
    // Two untimed products each: first-run allocation and weight packing are not throughput.
    for (const s of sessions) for (let i = 0; i < 2; i++) await s.runShaped(x, [n, n]);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < sessions.length; i++) {
        const t = performance.now();
        await sessions[i].runShaped(x, [n, n]);
        times[i].push((performance.now() - t) / 1000);
      }
    }
    const flopsPerProduct = 2 * n * n * n;
    return {
      size: n,
      flopsPerProduct,
      byThreads: threadCounts.map((threads, i) => ({
        threads,
        flopsPerSecond: flopsPerProduct / Math.min(...times[i]),
        medianFlopsPerSecond: flopsPerProduct / median(times[i])!,
        runSeconds: times[i],
      })),
    };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

/**
 * The peak at a thread count, for sections that report a fraction of it: taken from this run's
 * `peak-flops` section when it ran, else measured now (smaller, a few seconds).
 */
export async function peakFlopsPerSecond(ctx: BenchContext, threads: number): Promise<number> {
  const earlier = ctx.results.get(peakFlopsSection.name)?.raw as PeakFlops | undefined;
  const known = earlier?.byThreads.find((b) => b.threads === threads);
  if (known) return known.flopsPerSecond;
  const measured = await measurePeakFlops({ threads: [threads], rounds: 4, seed: ctx.seed });
  return measured.byThreads[0].flopsPerSecond;
}

export const peakFlopsSection: BenchSection = {
  name: 'peak-flops',
  description: 'peak float32 FLOP/s of this machine: a large MatMul in ONNX Runtime, one thread and every core',
  async run(ctx): Promise<BenchResult> {
    const size = ctx.quick ? 1024 : 2048;
    const rounds = ctx.quick ? 4 : 10;
    ctx.log(`${size}×${size} · ${size}×${size} float32 products, ${rounds} rounds per thread count`);
    const peak = await measurePeakFlops({ size, rounds, seed: ctx.seed });
    const single = peak.byThreads.find((b) => b.threads === 1);
    return {
      tables: [
        {
          title: `Peak float32 throughput (ONNX Runtime MatMul ${size}×${size}×${size}, ${(peak.flopsPerProduct / 1e9).toFixed(1)} GFLOP per product)`,
          rows: peak.byThreads.map((b) => ({
            label: `${b.threads} thread${b.threads === 1 ? '' : 's'}`,
            metrics: {
              'peak GFLOP/s': b.flopsPerSecond / 1e9,
              'median GFLOP/s': b.medianFlopsPerSecond / 1e9,
              'best ms': Math.min(...b.runSeconds) * 1000,
              runs: b.runSeconds.length,
            },
            ratios: { 'vs 1 thread': single ? b.flopsPerSecond / single.flopsPerSecond : null },
          })),
        },
      ],
      raw: { ...peak },
    };
  },
};
