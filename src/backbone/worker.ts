/** Worker thread body: loads tfjs-wasm and the backbone once, then featurizes batches on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { BackboneFeaturizer, decodeBatch, featurizeBatch, type BackboneSpec, type BackboneView } from './features.js';

export type WorkerRequest = { type: 'task'; id: number; paths: string[]; view: BackboneView };
export type WorkerReply =
  | { type: 'ready'; dim: number; blocks: { name: string; offset: number; dim: number }[]; backboneId: string }
  | { type: 'result'; id: number; rows: Float32Array; failures: { index: number; message: string }[] }
  | { type: 'fatal'; message: string };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

try {
  const featurizer = await BackboneFeaturizer.create((workerData as { spec: BackboneSpec }).spec);
  port.postMessage({ type: 'ready', dim: featurizer.dim, blocks: featurizer.blocks, backboneId: featurizer.backboneId } satisfies WorkerReply);
  // Decoding (sharp, libuv pool) of queued batches overlaps inference of the current one.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type !== 'task') return;
    const decoded = decodeBatch(featurizer, msg.paths, msg.view);
    chain = chain.then(async () => {
      try {
        const rows = featurizeBatch(featurizer, await decoded);
        const failures = (await decoded).failures;
        port.postMessage({ type: 'result', id: msg.id, rows, failures } satisfies WorkerReply, [rows.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ type: 'fatal', message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkerReply);
      }
    });
  });
} catch (e) {
  port.postMessage({ type: 'fatal', message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkerReply);
}
