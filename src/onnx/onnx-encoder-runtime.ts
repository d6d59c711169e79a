/**
 * Runs an exported encoder with ONNX Runtime (CPU). Inputs are NHWC float32 images, as the
 * tfjs encoders take them; outputs are the rows of the "embedding" output, already in embedding space.
 */
import * as ort from 'onnxruntime-node';

export interface OnnxSessionOptions {
  /** Intra-op threads; ONNX Runtime picks by core count when omitted. */
  threads?: number;
}

export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputName: string,
    readonly outputName: string,
  ) {}

  static async create(model: Uint8Array | string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // Idle intra-op threads would otherwise spin, taking the cores that decoding and request
      // handling need between batches.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    if (options.threads) {
      sessionOptions.intraOpNumThreads = options.threads;
      sessionOptions.interOpNumThreads = 1;
    }
    const session =
      typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
    return new OnnxSession(session, session.inputNames[0], session.outputNames[0]);
  }

  /** Embeds `n` images of h×w×3 (NHWC, float32); returns n rows of the embedding, row-major. */
  run(input: Float32Array, n: number, h: number, w: number): Promise<Float32Array> {
    return this.runShaped(input, [n, h, w, 3]);
  }

  /** Runs any input shape, e.g. [n, features] for a head over backbone features. */
  async runShaped(input: Float32Array, shape: number[]): Promise<Float32Array> {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (input.length !== expected) throw new Error(`ONNX input holds ${input.length} values, expected ${expected} for shape [${shape.join(', ')}]`);
    const result = await this.session.run({ [this.inputName]: new ort.Tensor('float32', input, shape) });
    return result[this.outputName].data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
