/**
 * Views of a painting: the square images the frozen backbone is shown. A view is a window of the
 * painting's centre square (its side as a fraction, and where it sits), resampled to `size`
 * pixels, optionally mirrored and rotated by right angles, or drawn through the reference
 * augmentation (random affine: translation, zoom, rotation 0–180°, flips) from a seed and the
 * image's own pixels. Every view is a pure function of the image bytes and its spec, so the same
 * painting gives the same pixels on every run and thread, and rows cache by (image, view key).
 *
 * Resampling happens once, in sharp: the centre square is resized to size / scale, and the window
 * is then cut out at exactly `size` pixels, so a crop is never resized twice. Crops of a 224 px
 * dataset image are upsampled (the early layers then see brushwork at a coarser pixel scale, as a
 * closer look would); crops of a large upload use its real detail.
 */
import { REFERENCE_AUGMENTATION, augmentImage } from '../images/augment.js';
import { Rng } from '../util/random.js';

export type RightAngle = 0 | 90 | 180 | 270;

export interface ViewSpec {
  /** Side of the square the backbone sees, in pixels. */
  size: number;
  /** A window of the centre square: side as a fraction in (0, 1], position 0 (left/top) … 1 (right/bottom). */
  crop?: { scale: number; x: number; y: number };
  /** Mirror left–right. */
  flip?: boolean;
  /** Clockwise rotation by a right angle (lossless), after the mirror. */
  rotate?: RightAngle;
  /** The reference augmentation, drawn from this seed and the image's pixels (applied last). */
  affineSeed?: number;
}

export const BASE_VIEW: ViewSpec = { size: 224 };

/** A canonical, stable name for a view: its cache key and its label in reports. */
export function viewKey(v: ViewSpec): string {
  const parts = [`s${v.size}`];
  if (v.crop && v.crop.scale < 1) parts.push(`c${round(v.crop.scale)}@${round(v.crop.x)},${round(v.crop.y)}`);
  if (v.flip) parts.push('h');
  if (v.rotate) parts.push(`r${v.rotate}`);
  if (v.affineSeed !== undefined) parts.push(`a${v.affineSeed}`);
  return parts.join('-');
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

export function validateView(v: ViewSpec): void {
  if (!Number.isInteger(v.size) || v.size < 32 || v.size > 1024 || v.size % 32 !== 0) {
    throw new RangeError(`view size ${v.size} must be a multiple of 32 between 32 and 1024`);
  }
  if (v.crop) {
    const { scale, x, y } = v.crop;
    if (!(scale > 0 && scale <= 1)) throw new RangeError(`crop scale ${scale} must lie in (0, 1]`);
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) throw new RangeError(`crop position ${x},${y} must lie in [0, 1]`);
  }
  if (v.rotate !== undefined && ![0, 90, 180, 270].includes(v.rotate)) throw new RangeError(`rotation ${v.rotate} is not a right angle`);
}

/** Side of the centre square before the window is cut out of it. */
export function sourceSide(v: ViewSpec): number {
  return v.crop && v.crop.scale < 1 ? Math.round(v.size / v.crop.scale) : v.size;
}

/**
 * The view's pixels from the centre square decoded at `sourceSide(v)` (RGB bytes, HWC): cut the
 * window, mirror, rotate, then the affine augmentation. Returns v.size² × 3 bytes.
 */
export function applyView(square: Uint8Array, v: ViewSpec): Uint8Array {
  const src = sourceSide(v);
  if (square.length !== src * src * 3) throw new RangeError(`expected a ${src}² RGB square, got ${square.length} bytes`);
  const s = v.size;
  const left = v.crop ? Math.round((src - s) * v.crop.x) : 0;
  const top = v.crop ? Math.round((src - s) * v.crop.y) : 0;
  const out = new Uint8Array(s * s * 3);
  const rot = v.rotate ?? 0;
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      // Output (x, y) reads the window at (u, w): undo the rotation, then the mirror.
      let u: number;
      let w: number;
      if (rot === 90) [u, w] = [y, s - 1 - x];
      else if (rot === 180) [u, w] = [s - 1 - x, s - 1 - y];
      else if (rot === 270) [u, w] = [s - 1 - y, x];
      else [u, w] = [x, y];
      if (v.flip) u = s - 1 - u;
      const from = ((top + w) * src + left + u) * 3;
      const to = (y * s + x) * 3;
      out[to] = square[from];
      out[to + 1] = square[from + 1];
      out[to + 2] = square[from + 2];
    }
  }
  if (v.affineSeed === undefined) return out;
  const floats = augmentImage(out, s, Rng.derive(v.affineSeed, pixelHash(out)), REFERENCE_AUGMENTATION);
  for (let i = 0; i < floats.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, floats[i])) * 255);
  return out;
}

/** FNV-1a over every byte (about 0.3 ms at 224 px): a per-image salt for the affine draw. */
function pixelHash(px: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < px.length; i++) h = Math.imul(h ^ px[i], 0x01000193);
  return h >>> 0;
}

/**
 * Named view sets: the views a preset caches per painting and draws one of per training step.
 * A model stores the full list it was trained with, so a change here never alters a saved model.
 */
export const VIEW_SETS = {
  center: [BASE_VIEW],
  flip: [BASE_VIEW, { size: 224, flip: true }],
  /**
   * The reference's augmentations as fixed views: the mirror, two draws of its random affine
   * (rotation, zoom, translation, flips), a closer look at the centre and two corners, and the
   * whole painting upsampled to 448 px so the early layers see brushwork at a finer scale.
   */
  standard: [
    BASE_VIEW,
    { size: 224, flip: true },
    { size: 224, affineSeed: 1 },
    { size: 224, affineSeed: 2 },
    { size: 224, crop: { scale: 0.5, x: 0.5, y: 0.5 } },
    { size: 224, crop: { scale: 0.75, x: 0, y: 0 } },
    { size: 224, crop: { scale: 0.75, x: 1, y: 1 } },
    { size: 448 },
  ],
} satisfies Record<string, ViewSpec[]>;

export type ViewSetName = keyof typeof VIEW_SETS;
export const VIEW_SET_NAMES = Object.keys(VIEW_SETS) as ViewSetName[];

/**
 * The view sets an embedding can average (test-time augmentation): the ONNX graph computes the
 * base view and its mirror image from the same decoded pixels, so serving needs one decoding.
 */
export const EMBED_VIEW_SET_NAMES = ['center', 'flip'] as const satisfies readonly ViewSetName[];
export type EmbedViewSetName = (typeof EMBED_VIEW_SET_NAMES)[number];
