/** Worker thread body: loads tfjs-wasm and the backbone once (per view size), then featurizes batches on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { BackboneFeaturizer, decodeBatch, featurizeBatch, type BackboneSpec } from './features.js';
import type { ViewSpec } from './views.js';

export type WorkerRequest = { type: 'task'; id: number; paths: string[]; view: ViewSpec };
export type WorkerReply =
  | { type: 'ready'; dim: number; blocks: { name: string; offset: number; dim: number }[]; backboneId: string }
  | { type: 'result'; id: number; rows: Float32Array; failures: { index: number; message: string }[] }
  | { type: 'fatal'; message: string };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

const spec = (workerData as { spec: BackboneSpec }).spec;
const featurizers = new Map<number, Promise<BackboneFeaturizer>>();
function featurizer(size: number): Promise<BackboneFeaturizer> {
  let f = featurizers.get(size);
  if (!f) featurizers.set(size, (f = BackboneFeaturizer.create(spec, size)));
  return f;
}

try {
  const base = await featurizer(224);
  port.postMessage({ type: 'ready', dim: base.dim, blocks: base.blocks, backboneId: base.backboneId } satisfies WorkerReply);
  // Decoding (sharp, libuv pool) of queued batches overlaps inference of the current one.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type !== 'task') return;
    const decoded = featurizer(msg.view.size).then((f) => decodeBatch(f, msg.paths, msg.view));
    chain = chain.then(async () => {
      try {
        const rows = featurizeBatch(await featurizer(msg.view.size), await decoded);
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
