/** Image decoding for the frozen backbone: EXIF-upright, centre-cropped square, opaque RGB bytes, as one of its views. */
import sharp from 'sharp';
import { imageDecodeError, MAX_INPUT_PIXELS } from '../images/decode-errors.js';
import { applyView, sourceSide, type ViewSpec } from './views.js';

export interface DecodedImage {
  data: Uint8Array; // size × size × 3, row-major RGB
  size: number;
}

function isPlain(v: ViewSpec): boolean {
  return sourceSide(v) === v.size && !v.flip && !v.rotate && v.affineSeed === undefined;
}

/**
 * `opts.view` (default: the whole centre square at `size`) decides which window, mirror and
 * rotation the bytes show; its size must be `size`.
 */
export async function decodeSquareRgb(
  input: string | Buffer,
  size: number,
  opts: { flip?: boolean; name?: string; view?: ViewSpec } = {},
): Promise<DecodedImage> {
  const view: ViewSpec = opts.view ?? { size, flip: opts.flip };
  if (view.size !== size) throw new RangeError(`view of ${view.size} px decoded at ${size} px`);
  try {
    const side = sourceSide(view);
    const img = sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(side, side, { fit: 'cover', position: 'centre' })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .removeAlpha();
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== side || info.height !== side || info.channels !== 3) {
      throw new Error(`unexpected decoded shape ${info.width}x${info.height}x${info.channels}`);
    }
    const square = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: isPlain(view) ? square : applyView(square, view), size };
  } catch (e) {
    const name = opts.name ?? (typeof input === 'string' ? input : 'the image');
    throw imageDecodeError(e, name, typeof input === 'string' ? { path: input } : undefined);
  }
}
