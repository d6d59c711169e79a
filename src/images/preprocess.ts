/**
 * Model input from an image file or buffer: EXIF orientation applied, transparency flattened on
 * white, any colour space to sRGB, then a centre crop that preserves the aspect ratio (resize the
 * short side, crop the long one) — paintings are cropped, never squashed.
 */
import sharp from 'sharp';
import { imageDecodeError, MAX_INPUT_PIXELS } from './decode-errors.js';

export type ImageInput = string | Buffer;

function describe(input: ImageInput): string {
  return typeof input === 'string' ? input : 'the uploaded image';
}

/** Raw RGB bytes, size × size × 3, HWC; `name` labels the image in errors. */
export async function decodeCropped(input: ImageInput, size: number, name = describe(input)): Promise<Uint8Array> {
  try {
    const { data } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (e) {
    throw imageDecodeError(e, name);
  }
}

/** Float RGB in [0, 1], size × size × 3, HWC. */
export async function loadImageTensorData(input: ImageInput, size: number, name?: string): Promise<Float32Array> {
  const bytes = await decodeCropped(input, size, name);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}
