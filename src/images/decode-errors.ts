/**
 * What a decoder's failure means to the caller: over the pixel limit (a decompression bomb is
 * refused from its header), or not a readable image. One mapping for every decoder, so an upload
 * gets the same 4xx whichever thread or runtime decoded it.
 */
import { PainterError } from '../errors.js';

/** Decompression-bomb guard: 100 megapixels is far above any painting photograph's needs. */
export const MAX_INPUT_PIXELS = 100_000_000;

export interface DecodeFailure {
  tooLarge: boolean;
  reason: string;
}

/** sharp's error as a short reason ("not an image", "unreadable image: …"). */
export function decodeFailure(e: unknown): DecodeFailure {
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  if (/pixel limit/i.test(msg)) return { tooLarge: true, reason: `image too large (over ${MAX_INPUT_PIXELS / 1e6} megapixels)` };
  if (/unsupported image format/i.test(msg)) return { tooLarge: false, reason: 'not an image' };
  return { tooLarge: false, reason: `unreadable image: ${msg}` };
}

/** The 4xx for a failure of the image named `name` (e.g. "'query.jpg'" or a file path). */
export function failureError(f: DecodeFailure, name: string, details?: Record<string, unknown>, cause?: unknown): PainterError {
  const options = cause === undefined ? undefined : { cause };
  return f.tooLarge
    ? new PainterError('IMAGE_TOO_LARGE', `${name} has more than ${MAX_INPUT_PIXELS / 1e6} megapixels`, details, options)
    : new PainterError('IMAGE_UNREADABLE', `${name} is not a readable image (${f.reason})`, details, options);
}

/** The 4xx for an image that a decoder failed on. */
export function imageDecodeError(e: unknown, name: string, details?: Record<string, unknown>): PainterError {
  if (e instanceof PainterError) return e;
  return failureError(decodeFailure(e), name, details, e);
}
