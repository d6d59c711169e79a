/** Image decoding for the frozen backbone: EXIF-upright, centre-cropped square, opaque RGB bytes. */
import sharp from 'sharp';
import { imageDecodeError, MAX_INPUT_PIXELS } from '../images/decode-errors.js';

export interface DecodedImage {
  data: Uint8Array; // size × size × 3, row-major RGB
  size: number;
}

export async function decodeSquareRgb(
  input: string | Buffer,
  size: number,
  opts: { flip?: boolean; name?: string } = {},
): Promise<DecodedImage> {
  try {
    let img = sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .removeAlpha();
    if (opts.flip) img = img.flop();
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== size || info.height !== size || info.channels !== 3) {
      throw new Error(`unexpected decoded shape ${info.width}x${info.height}x${info.channels}`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), size };
  } catch (e) {
    const name = opts.name ?? (typeof input === 'string' ? input : 'the image');
    throw imageDecodeError(e, name, typeof input === 'string' ? { path: input } : undefined);
  }
}
