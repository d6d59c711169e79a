/** Decode worker thread: files or bytes → the float32 pixels an encoder takes (sharp runs here). */
import sharp from 'sharp';
import { announceReady, serveRequests } from '../util/worker-rpc.js';
import { decodeForEncoder, type DecodeSpec } from './decode-spec.js';

export interface DecodeRequest {
  input: string | Uint8Array;
  spec: DecodeSpec;
}

// One libvips thread per worker: the pool, not libvips, decides how many images decode at once
// (several concurrent decodes inside one process were erratic on this hardware).
sharp.concurrency(1);
// Every image is decoded once: libvips' operation cache would only hold memory.
sharp.cache(false);

if (await announceReady(async () => {})) {
  serveRequests<DecodeRequest, Float32Array>(
    ({ input, spec }) => decodeForEncoder(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength), spec),
    (pixels) => [pixels.buffer as ArrayBuffer],
  );
}
