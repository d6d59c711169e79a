/**
 * Makes sure a fast tfjs backend is active for frozen-feature extraction. Runs standalone (worker
 * threads share no setup with the main thread): a non-cpu backend already chosen is kept, else wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

let pending: Promise<string> | undefined;

function wasmDistDir(): string {
  // Under Node the .wasm binaries are read from disk; by default the loader looks beside the script.
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(entry) + path.sep;
}

export function ensureBackend(): Promise<string> {
  pending ??= (async () => {
    // engine().backendName is only set once someone chose a backend; tf.getBackend() would instead
    // auto-initialise the highest-priority one (wasm, before its paths are known).
    const current = (tf.engine() as unknown as { backendName: string | null }).backendName;
    if (current && current !== 'cpu') {
      await tf.ready();
      return current;
    }
    setWasmPaths(wasmDistDir());
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf.getBackend();
  })();
  return pending;
}
