/**
 * The tfjs-wasm feature runner: the backbone in this thread, or one tfjs instance and model copy
 * per worker thread (the wasm backend is single-threaded inside a Node process, so throughput
 * scales with threads, not with batch size). Kept as the fallback for ONNX Runtime.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/start-worker.js';
import { BackboneFeaturizer, decodeBatch, featurizeBatch, type BackboneSpec } from './features.js';
import type { FeatureLayout, FeatureRunner, FeatureTask, ResultHandler } from './runner.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

const WORKER_MODULE = new URL('./worker.js', import.meta.url);

/** `workers` 0 runs in this thread (and sets its tfjs backend). */
export function tfjsRunner(spec: BackboneSpec, workers: number): FeatureRunner {
  return { run: (tasks, onReady, onResult) => (workers > 0 ? runPool(spec, Math.min(workers, Math.max(tasks.length, 1)), tasks, onReady, onResult) : runInProcess(spec, tasks, onReady, onResult)) };
}

async function runInProcess(spec: BackboneSpec, tasks: FeatureTask[], onReady: (l: FeatureLayout) => void, onResult: ResultHandler): Promise<void> {
  const featurizers = new Map<number, BackboneFeaturizer>();
  const featurizer = async (size: number) => {
    let f = featurizers.get(size);
    if (!f) featurizers.set(size, (f = await BackboneFeaturizer.create(spec, size)));
    return f;
  };
  try {
    const first = await featurizer(tasks[0]?.view.size ?? 224);
    onReady({ dim: first.dim, blocks: first.blocks });
    const decode = async (t: FeatureTask) => decodeBatch(await featurizer(t.view.size), t.paths, t.view);
    let pending = tasks.length ? decode(tasks[0]) : null;
    for (let i = 0; i < tasks.length; i++) {
      const decoded = await pending!;
      const nt = tasks[i + 1];
      pending = nt ? decode(nt) : null;
      const rows = featurizeBatch(await featurizer(tasks[i].view.size), decoded);
      if (!(await onResult(tasks[i], { rows, failures: decoded.failures }))) {
        await pending?.catch(() => undefined);
        break;
      }
    }
  } finally {
    for (const f of featurizers.values()) f.dispose();
  }
}

/** Runs tasks on `n` worker threads, keeping two batches queued per worker. */
function runPool(spec: BackboneSpec, n: number, tasks: FeatureTask[], onReady: (l: FeatureLayout) => void, onResult: ResultHandler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const inFlight = new Map<Worker, FeatureTask[]>();
    let next = 0;
    let outstanding = tasks.length;
    let ready = false;
    let finished = false;
    let stopping = false;
    let chain = Promise.resolve();

    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      // terminate() resolves once the thread is gone; wait so no thread outlives the call.
      void Promise.all(workers.map((w) => w.terminate())).finally(() => {
        if (err) reject(err);
        else resolve();
      });
    };
    const dispatch = (w: Worker) => {
      const queue = inFlight.get(w)!;
      while (!stopping && queue.length < 2 && next < tasks.length) {
        const t = tasks[next++];
        queue.push(t);
        w.postMessage({ type: 'task', id: t.id, paths: t.paths, view: t.view } satisfies WorkerRequest);
      }
    };

    for (let i = 0; i < n; i++) {
      const w = startWorker(WORKER_MODULE, { spec });
      workers.push(w);
      inFlight.set(w, []);
      w.on('message', (msg: WorkerReply) => {
        if (finished) return;
        if (msg.type === 'fatal') return finish(new Error(`backbone worker failed: ${msg.message}`));
        if (msg.type === 'ready') {
          if (!ready) onReady({ dim: msg.dim, blocks: msg.blocks });
          ready = true;
          if (tasks.length === 0) return finish();
          return dispatch(w);
        }
        const queue = inFlight.get(w)!;
        const k = queue.findIndex((t) => t.id === msg.id);
        const task = queue.splice(k, 1)[0];
        dispatch(w);
        // Results are handled one at a time (cache checkpoints are async).
        chain = chain
          .then(async () => {
            if (finished) return;
            const keepGoing = await onResult(task, { rows: msg.rows, failures: msg.failures });
            outstanding--;
            if (!keepGoing) {
              stopping = true;
              finish();
            } else if (outstanding === 0) finish();
          })
          .catch((e) => finish(e));
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!finished) finish(new Error(`backbone worker exited early (code ${code})`));
      });
    }
  });
}
