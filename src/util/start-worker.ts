/** Starts a worker thread running one of the project's modules, compiled or as TypeScript source. */
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** `module`: the worker module's URL with a `.js` extension, e.g. new URL('./x-worker.js', import.meta.url). */
export function startWorker(module: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(ENTRY, { workerData: { ...data, module: module.href } });
}
