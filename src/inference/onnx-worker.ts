/** Inference worker thread: owns one ONNX Runtime session (its run() is synchronous, so it lives here, off the event loop). */
import { workerData } from 'node:worker_threads';
import { OnnxSession } from '../onnx/onnx-encoder-runtime.js';
import { announceReady, serveRequests } from '../util/worker-rpc.js';
import { bytesToFloats } from './decode-spec.js';

/** `input`: floats, or image bytes that are divided by `divisor` into floats here, off the event loop. */
export type InferenceRequest = { type: 'run'; input: Float32Array | Uint8Array; shape: number[]; divisor?: number } | { type: 'release' };

const { modelPath, threads } = workerData as { modelPath: string; threads?: number };
let session: OnnxSession | null = null;
/** Reused between batches: a fresh multi-megabyte buffer per batch costs page faults. */
let floats = new Float32Array(0);

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
      let input = request.input;
      if (input instanceof Uint8Array) {
        if (floats.length < input.length) floats = new Float32Array(input.length);
        input = bytesToFloats(input, request.divisor ?? 1, floats);
      }
      return Float32Array.from(await session.runShaped(input, request.shape));
    },
    (out) => [out.buffer as ArrayBuffer],
  );
}
