/**
 * The ONNX Runtime feature runner: the backbone's feature graph (one per view size) in a
 * single-threaded session per core, worker threads each, with images decoded into their views by
 * a pool of sharp workers — the layout the server runs its encoder in, measured fastest on this
 * hardware. The event loop only moves buffers.
 */
import { availableParallelism } from 'node:os';
import { DecodePool } from '../inference/decode-pool.js';
import { InferencePool } from '../inference/inference-pool.js';
import { featureGraph } from './feature-graphs.js';
import type { BackboneSpec } from './features.js';
import type { FeatureRunner, FeatureTask, FeatureTaskResult, ResultHandler } from './runner.js';

export interface OnnxRunnerOptions {
  /** Where the feature graphs are kept (the feature cache's directory). */
  cacheDir: string;
  /** Sessions, one worker thread and one intra-op thread each (default: one per core). */
  sessions?: number;
  decodeWorkers?: number;
}

export function onnxRunner(spec: BackboneSpec, opts: OnnxRunnerOptions): FeatureRunner {
  return {
    async run(tasks, onReady, onResult) {
      const sizes = [...new Set(tasks.map((t) => t.view.size))];
      const graphs = new Map<number, Awaited<ReturnType<typeof featureGraph>>>();
      for (const size of sizes.length ? sizes : [224]) graphs.set(size, await featureGraph(opts.cacheDir, spec, size));
      onReady(graphs.values().next().value!.layout);
      if (tasks.length === 0) return;
      const sessions = Math.max(1, opts.sessions ?? availableParallelism());
      const decoder = await DecodePool.start(opts.decodeWorkers ?? Math.min(2, availableParallelism()));
      let stopped = false;
      let chain = Promise.resolve();
      const handle = (task: FeatureTask, result: FeatureTaskResult) =>
        (chain = chain.then(async () => {
          if (!stopped && !(await onResult(task, result))) stopped = true;
        }));
      try {
        for (const size of sizes) {
          const graph = graphs.get(size)!;
          const pool = await InferencePool.start({ modelPath: graph.path, sessions, threads: 1 });
          try {
            const mine = tasks.filter((t) => t.view.size === size);
            let next = 0;
            // Two batches per session in flight: one running, one decoding.
            const lane = async () => {
              while (!stopped && next < mine.length) {
                const task = mine[next++];
                const result = await featurize(decoder, pool, task, graph.layout.dim);
                await handle(task, result);
              }
            };
            await Promise.all(Array.from({ length: Math.min(2 * sessions, mine.length) }, lane));
          } finally {
            await pool.close();
          }
          if (stopped) break;
        }
        await chain;
      } finally {
        await decoder.close();
      }
    },
  };
}

async function featurize(decoder: DecodePool, pool: InferencePool, task: FeatureTask, dim: number): Promise<FeatureTaskResult> {
  const { size } = task.view;
  const decoded = await Promise.allSettled(task.paths.map((p) => decoder.decode(p, { kind: 'square-bytes', size, view: task.view }, p)));
  const failures: FeatureTaskResult['failures'] = [];
  const ok: Uint8Array[] = [];
  decoded.forEach((d, index) => {
    if (d.status === 'fulfilled') ok.push(d.value);
    else failures.push({ index, message: d.reason instanceof Error ? d.reason.message : String(d.reason) });
  });
  const px = size * size * 3;
  let rows: Float32Array = new Float32Array(0);
  if (ok.length) {
    const input = new Uint8Array(ok.length * px);
    ok.forEach((img, i) => input.set(img, i * px));
    rows = await pool.run(input, [ok.length, size, size, 3], 1);
    if (rows.length !== ok.length * dim) throw new Error(`the backbone graph returned ${rows.length} values for ${ok.length} images of ${dim}`);
  }
  if (!failures.length) return { rows, failures };
  const out = new Float32Array(task.paths.length * dim).fill(Number.NaN);
  let j = 0;
  decoded.forEach((d, i) => {
    if (d.status === 'fulfilled') out.set(rows.subarray(j * dim, ++j * dim), i * dim);
  });
  return { rows: out, failures };
}
