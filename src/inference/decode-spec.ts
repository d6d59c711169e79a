/**
 * How an encoder wants its images: the same decoding its model was trained with, as float32
 * NHWC rows. CNN presets take an aspect-preserving centre crop scaled to [0, 1]; the pretrained
 * preset takes the backbone's square RGB in 0..255 (its graph rescales).
 */
import { decodeSquareRgb } from '../backbone/decode.js';
import { loadImageTensorData } from '../images/preprocess.js';

export interface DecodeSpec {
  kind: 'crop-unit' | 'square-bytes';
  size: number;
}

export function decodedLength(spec: DecodeSpec): number {
  return spec.size * spec.size * 3;
}

export async function decodeForEncoder(input: string | Buffer, spec: DecodeSpec): Promise<Float32Array> {
  if (spec.kind === 'crop-unit') return loadImageTensorData(input, spec.size);
  return Float32Array.from((await decodeSquareRgb(input, spec.size)).data);
}
