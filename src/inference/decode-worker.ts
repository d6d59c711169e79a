/** Decode worker thread: files or bytes → the RGB bytes an encoder takes (sharp runs here). */
import sharp from 'sharp';
import { announceReady, serveRequests } from '../util/worker-rpc.js';
import { decodeForEncoder, type DecodeSpec } from './decode-spec.js';

export interface DecodeRequest {
  input: string | Uint8Array;
  spec: DecodeSpec;
  /** How errors name the image (default: its path, or "the image"). */
  name?: string;
}

// One libvips thread per worker: the pool, not libvips, decides how many images decode at once
// (several concurrent decodes inside one process were erratic on this hardware).
sharp.concurrency(1);
// Every image is decoded once: libvips' operation cache would only hold memory.
sharp.cache(false);

if (await announceReady(async () => {})) {
  serveRequests<DecodeRequest, Uint8Array>(
    async ({ input, spec, name }) => {
      const pixels = await decodeForEncoder(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength), spec, name);
      // Moving the buffer is only safe when the pixels are all of it.
      return pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
    },
    (pixels) => [pixels.buffer as ArrayBuffer],
  );
}
