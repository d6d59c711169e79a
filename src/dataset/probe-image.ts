/**
 * Looks at one file: is it an image that decodes to the end, what size, what content hash.
 * Truncated JPEGs pass a header read, so the whole file is decoded (at a small scale, which
 * libjpeg still reads to the end of the stream).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeFailure, MAX_INPUT_PIXELS } from '../images/decode-errors.js';

export type ProbeResult =
  | { ok: true; sha256: string; width: number; height: number }
  /** tooLarge: over the pixel limit (a decompression bomb's header). */
  | { ok: false; reason: string; tooLarge?: boolean };

export async function probeImage(path: string): Promise<ProbeResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (e as Error).message})` };
  }
  return probeImageBytes(bytes);
}

/** The same checks on bytes already in memory (uploads). */
export async function probeImageBytes(bytes: Buffer): Promise<ProbeResult & { format?: string }> {
  if (bytes.length === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  try {
    const img = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' });
    const meta = await img.metadata();
    if (!meta.width || !meta.height) return { ok: false, reason: 'not an image' };
    await img.resize(16, 16, { fit: 'fill' }).raw().toBuffer();
    const rotated = (meta.orientation ?? 1) >= 5;
    return {
      ok: true,
      format: meta.format,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      width: rotated ? meta.height : meta.width,
      height: rotated ? meta.width : meta.height,
    };
  } catch (e) {
    return { ok: false, ...decodeFailure(e) };
  }
}
