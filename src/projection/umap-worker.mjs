// Worker thread: lays vectors out in 2-D with UMAP (umap-js). Plain JS, so the thread starts
// without the TypeScript loader; the typed side is layout-in-worker.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { UMAP } from 'umap-js';

const { vectors, count, dim, neighbours, epochs, seed } = workerData;

// umap-js draws from the random function it is given: a seeded one (mulberry32) makes the same
// corpus give the same map after every restart.
let state = seed >>> 0;
const random = () => {
  let t = (state = (state + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

try {
  const rows = [];
  for (let i = 0; i < count; i++) rows.push(Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
  const embedding = new UMAP({ nComponents: 2, nNeighbors: neighbours, nEpochs: epochs, random }).fit(rows);
  const out = new Float32Array(count * 2);
  embedding.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  parentPort.postMessage({ type: 'done', coordinates: out }, [out.buffer]);
} catch (e) {
  parentPort.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
