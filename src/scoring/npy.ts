/**
 * NumPy's .npy format (version 1.0) for a float32 matrix, so embeddings open with
 * `numpy.load(path)` (or any reader of the format) without a conversion step. Written by hand:
 * the format is a 10-byte preamble and a Python-literal header, and no well-kept npm package
 * writes it (those on the registry read it, or wrap a native build).
 */
import { open } from 'node:fs/promises';
import { rename } from 'node:fs/promises';

export function npyHeader(rows: number, cols: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Preamble (10 bytes) + header, padded with spaces and a newline to a multiple of 64 bytes.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return out;
}

/** Writes `rows` (row-major, `cols` per row) as `path`, atomically. */
export async function writeNpy(path: string, rows: Float32Array, cols: number): Promise<void> {
  const n = cols > 0 ? rows.length / cols : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${cols}`);
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w');
  try {
    const header = npyHeader(n, cols);
    await handle.write(header, 0, header.length, 0);
    // Little-endian float32 is how the machine holds them (every platform Node runs on here).
    const bytes = Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
    await handle.write(bytes, 0, bytes.length, header.length);
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
