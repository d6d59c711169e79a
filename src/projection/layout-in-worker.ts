/**
 * A 2-D layout of embedding vectors for the corpus map, computed with UMAP on a worker thread:
 * a thousand 2048-d vectors take a few seconds of CPU that the server's event loop cannot give
 * up. Deterministic for a given input and seed.
 */
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./umap-worker.mjs', import.meta.url);

export interface LayoutOptions {
  /** UMAP's neighbourhood size (clipped to the number of points − 1). */
  neighbours?: number;
  epochs?: number;
  seed?: number;
}

/** Below this many points UMAP has no neighbourhoods to work with: points are spread on a circle. */
const MIN_UMAP_POINTS = 4;

/** `vectors` holds `count` rows of `dim`; the answer holds `count` rows of (x, y). */
export async function layoutInWorker(vectors: Float32Array, dim: number, options: LayoutOptions = {}): Promise<Float32Array> {
  if (!Number.isInteger(dim) || dim < 1 || vectors.length % dim !== 0) {
    throw new RangeError(`vectors (${vectors.length} values) do not hold whole rows of ${dim}`);
  }
  const count = vectors.length / dim;
  if (count < MIN_UMAP_POINTS) return circle(count);
  const data = {
    vectors,
    count,
    dim,
    neighbours: Math.max(2, Math.min(options.neighbours ?? 15, count - 1)),
    epochs: options.epochs ?? 200,
    seed: options.seed ?? 42,
  };
  return new Promise<Float32Array>((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: data });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (msg: { type: 'done'; coordinates: Float32Array } | { type: 'error'; message: string }) => {
      if (msg.type === 'done') settle(() => resolve(msg.coordinates));
      else settle(() => reject(new Error(`the 2-D layout failed: ${msg.message}`)));
    });
    worker.on('error', (e) => settle(() => reject(new Error(`the 2-D layout worker crashed: ${e.message}`, { cause: e }))));
    worker.on('exit', (code) => settle(() => reject(new Error(`the 2-D layout worker exited (code ${code}) before finishing`))));
  });
}

function circle(count: number): Float32Array {
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    out[2 * i] = Math.cos((2 * Math.PI * i) / count);
    out[2 * i + 1] = Math.sin((2 * Math.PI * i) / count);
  }
  return out;
}
