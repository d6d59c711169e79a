/**
 * How an encoder wants its images: the decoding its model was trained with. Decoders hand over
 * RGB bytes (a quarter of the float pixels' size to move between threads); the inference thread
 * turns a whole batch into floats, divided by `inputDivisor`: CNN presets take an
 * aspect-preserving centre crop in [0, 1], the pretrained preset the backbone's square RGB in
 * 0..255 (its graph rescales).
 */
import { decodeSquareRgb } from '../backbone/decode.js';
import type { ViewSpec } from '../backbone/views.js';
import { decodeCropped } from '../images/preprocess.js';

export interface DecodeSpec {
  kind: 'crop-unit' | 'square-bytes';
  size: number;
  /** square-bytes only: which view of the painting (default: the whole centre square). */
  view?: ViewSpec;
}

export function decodedLength(spec: DecodeSpec): number {
  return spec.size * spec.size * 3;
}

/** What the bytes are divided by to become the model's float input (as loadImageTensorData does). */
export function inputDivisor(spec: DecodeSpec): number {
  return spec.kind === 'crop-unit' ? 255 : 1;
}

/**
 * RGB bytes, size × size × 3, HWC. Decoding reads the whole image under the pixel limit, so it
 * is also the check that untrusted bytes are a readable image; `name` labels it in the 4xx.
 */
export async function decodeForEncoder(input: string | Buffer, spec: DecodeSpec, name?: string): Promise<Uint8Array> {
  if (spec.kind === 'crop-unit') return decodeCropped(input, spec.size, name);
  return (await decodeSquareRgb(input, spec.size, { ...(name === undefined ? {} : { name }), ...(spec.view ? { view: spec.view } : {}) })).data;
}

/** Float input of a batch of decoded images, written into `out` (reused between batches). */
export function bytesToFloats(bytes: Uint8Array, divisor: number, out: Float32Array): Float32Array {
  const view = out.subarray(0, bytes.length);
  if (divisor === 1) view.set(bytes);
  else for (let i = 0; i < bytes.length; i++) view[i] = bytes[i] / divisor;
  return view;
}
