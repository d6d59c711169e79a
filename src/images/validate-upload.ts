/**
 * Uploaded bytes become a trusted image or a 4xx naming the problem: empty, not an image,
 * truncated, or over the pixel limit (decompression bombs never reach the decoder's full size).
 */
import { PainterError } from '../errors.js';
import { probeImageBytes } from '../dataset/probe-image.js';
import { failureError } from './decode-errors.js';

export interface ValidatedImage {
  sha256: string;
  width: number;
  height: number;
  /** sharp's format name: jpeg, png, webp, gif, tiff, … */
  format: string;
}

/** How errors name an upload: its file name when the client sent one. */
export function uploadLabel(filename?: string): string {
  return filename ? `'${filename}'` : 'the uploaded file';
}

export function assertNotEmpty(bytes: Uint8Array, name: string): void {
  if (bytes.length === 0) throw new PainterError('IMAGE_EMPTY', `${name} is empty (0 bytes)`);
}

export async function validateUpload(bytes: Buffer, name = uploadLabel()): Promise<ValidatedImage> {
  assertNotEmpty(bytes, name);
  const probe = await probeImageBytes(bytes);
  if (!probe.ok) throw failureError({ tooLarge: probe.tooLarge ?? false, reason: probe.reason }, name);
  return { sha256: probe.sha256, width: probe.width, height: probe.height, format: probe.format ?? 'unknown' };
}

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', avif: 'avif', heif: 'heic' };

export function extensionFor(format: string): string {
  return EXTENSIONS[format] ?? 'img';
}

/** Every extension `extensionFor` gives. */
export const UPLOAD_EXTENSIONS: readonly string[] = [...new Set([...Object.values(EXTENSIONS), 'img'])];

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tif: 'image/tiff', tiff: 'image/tiff', avif: 'image/avif', heic: 'image/heif',
};

export function contentTypeForPath(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
