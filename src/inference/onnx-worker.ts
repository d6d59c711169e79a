/** Inference worker thread: owns one ONNX Runtime session (its run() is synchronous, so it lives here, off the event loop). */
import { workerData } from 'node:worker_threads';
import { OnnxSession } from '../onnx/onnx-encoder-runtime.js';
import { announceReady, serveRequests } from '../util/worker-rpc.js';

export type InferenceRequest = { type: 'run'; input: Float32Array; shape: number[] } | { type: 'release' };

const { modelPath, threads } = workerData as { modelPath: string; threads?: number };
let session: OnnxSession | null = null;

if (await announceReady(async () => {
  session = await OnnxSession.create(modelPath, { threads });
})) {
  serveRequests<InferenceRequest, Float32Array>(
    async (request) => {
      if (request.type === 'release') {
        // Terminating the thread alone would leave the session's native memory (weights, arena) allocated.
        await session?.release();
        session = null;
        return new Float32Array(0);
      }
      if (!session) throw new Error('the inference session was released');
      return Float32Array.from(await session.runShaped(request.input, request.shape));
    },
    (out) => [out.buffer as ArrayBuffer],
  );
}
