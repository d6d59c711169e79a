/** Inference worker thread: owns one ONNX Runtime session (its run() is synchronous, so it lives here, off the event loop). */
import { workerData } from 'node:worker_threads';
import { OnnxSession } from '../onnx/onnx-encoder-runtime.js';
import { announceReady, serveRequests } from '../util/worker-rpc.js';

export interface InferenceRequest {
  input: Float32Array;
  shape: number[];
}

const { modelPath, threads } = workerData as { modelPath: string; threads?: number };
let session: OnnxSession | null = null;

if (await announceReady(async () => {
  session = await OnnxSession.create(modelPath, { threads });
})) {
  serveRequests<InferenceRequest, Float32Array>(
    async ({ input, shape }) => Float32Array.from(await session!.runShaped(input, shape)),
    (out) => [out.buffer as ArrayBuffer],
  );
}
