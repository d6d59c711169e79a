/**
 * The measurements the core reports while it works, as a small interface handed in by whoever
 * composes the process. The server backs it with Prometheus metrics (server/observability/);
 * the CLI and tests pass nothing and get the no-op. The core never imports a metrics library.
 */
export interface Instruments {
  /** An encoder batch ran: how many images, and how long the batch took. */
  encoderBatch(runtime: 'onnx' | 'tfjs', size: number, seconds: number): void;
  /** Images waiting for an encoder batch went up (+n) or down (−n). */
  batchQueue(delta: number): void;
  /** Images being decoded by the decode pool went up or down. */
  decoding(delta: number): void;
}

export const NO_INSTRUMENTS: Instruments = {
  encoderBatch: () => undefined,
  batchQueue: () => undefined,
  decoding: () => undefined,
};
