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
/**
 * Batches run one after another. ONNX Runtime reads its input while run() is pending, so a
 * second batch converted into `floats` meanwhile would replace the first one's pixels (both
 * batches then got the second one's rows); the single-threaded session runs one at a time anyway.
 */
let previous: Promise<unknown> = Promise.resolve();

async function run(request: Extract<InferenceRequest, { type: 'run' }>): Promise<Float32Array> {
  if (!session) throw new Error('the inference session was released');
  let input = request.input;
  if (input instanceof Uint8Array) {
    if (floats.length < input.length) floats = new Float32Array(input.length);
    input = bytesToFloats(input, request.divisor ?? 1, floats);
  }
  return Float32Array.from(await session.runShaped(input, request.shape));
}

if (await announceReady(async () => {
  session = await OnnxSession.create(modelPath, { threads });
})) {
  serveRequests<InferenceRequest, Float32Array>(
    async (request) => {
      if (request.type === 'release') {
        await previous;
        // Terminating the thread alone would leave the session's native memory (weights, arena) allocated.
        await session?.release();
        session = null;
        return new Float32Array(0);
      }
      const result = previous.then(() => run(request));
      previous = result.catch(() => undefined);
      return result;
    },
    (out) => [out.buffer as ArrayBuffer],
  );
}
