/**
 * Seeded hostile requests for the fuzz run: random bytes, real images of every format with
 * mutated bytes or headers, huge declared dimensions, wrong content types, missing fields, absurd
 * parameters, deep or wide GraphQL, and made-up API keys rotating on every request (reads, admin
 * routes and GraphQL mutations). Bounded by `count`, reproducible by `seed`.
 */
import sharp from 'sharp';
import { Rng } from '../../src/util/random.js';
import { pngDeclaring } from './hostile-images.js';

export interface FuzzRequest {
  label: string;
  path: string;
  init: RequestInit;
}

async function sampleImages(): Promise<Buffer[]> {
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#7a5230' } });
  return Promise.all([
    base.clone().jpeg().toBuffer(),
    base.clone().png().toBuffer(),
    base.clone().webp().toBuffer(),
    base.clone().gif().toBuffer(),
    base.clone().tiff().toBuffer(),
  ]);
}

function mutate(bytes: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(bytes);
  const flips = 1 + rng.int(16);
  // Headers are where decoders trust what they read: most flips land in the first 64 bytes.
  for (let i = 0; i < flips; i++) out[rng.next() < 0.7 ? rng.int(Math.min(64, out.length)) : rng.int(out.length)] = rng.int(256);
  return rng.next() < 0.3 ? out.subarray(0, rng.int(out.length)) : out;
}

const blob = (b: Buffer, type: string) => new Blob([new Uint8Array(b)], { type });

export async function fuzzRequests(count: number, seed: number): Promise<FuzzRequest[]> {
  const rng = new Rng(seed);
  const images = await sampleImages();
  const out: FuzzRequest[] = [];
  const absurd = () => rng.pick(['0', '-1', '1e9', 'NaN', '', 'abc', '99999999999999999999', '1.5', '%00']);
  for (let i = 0; i < count; i++) {
    const kind = rng.int(10);
    const form = new FormData();
    if (kind === 0) {
      const bytes = Buffer.from(Array.from({ length: rng.int(4096) }, () => rng.int(256)));
      form.append('image', blob(bytes, 'image/jpeg'), 'random.jpg');
      out.push({ label: 'random bytes', path: '/api/artists/nearest', init: { method: 'POST', body: form } });
    } else if (kind === 1 || kind === 2) {
      form.append('image', blob(mutate(rng.pick(images), rng), 'application/octet-stream'), 'mutated');
      out.push({ label: 'mutated image', path: rng.pick(['/api/artists/nearest', '/api/paintings/similar', '/api/uploads']), init: { method: 'POST', body: form } });
    } else if (kind === 3) {
      form.append('image', blob(pngDeclaring(1 + rng.int(200_000), 1 + rng.int(200_000)), 'image/png'), 'huge.png');
      out.push({ label: 'huge declared size', path: '/api/artists/nearest', init: { method: 'POST', body: form } });
    } else if (kind === 4) {
      out.push({
        label: 'wrong content type',
        path: rng.pick(['/api/artists/nearest', '/api/verify', '/api/uploads']),
        init: { method: 'POST', headers: { 'content-type': rng.pick(['text/plain', 'application/xml', 'image/jpeg', 'multipart/form-data', 'application/json; charset=utf-7']) }, body: rng.pick(images) as unknown as BodyInit },
      });
    } else if (kind === 5) {
      form.append(rng.pick(['img', 'file', 'a', 'imagee']), blob(rng.pick(images), 'image/jpeg'), 'x.jpg');
      out.push({ label: 'missing field', path: rng.pick(['/api/artists/nearest', '/api/verify']), init: { method: 'POST', body: form } });
    } else if (kind === 6) {
      out.push({
        label: 'absurd parameter',
        path: `${rng.pick(['/api/artists/nearest', '/api/paintings/1/similar', '/api/artists', '/api/paintings'])}?k=${absurd()}&limit=${absurd()}&neighbours=${absurd()}&after=${absurd()}`,
        init: rng.next() < 0.5 ? { method: 'GET' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ paintingId: rng.pick([-1, 0, 1.5, 'x', null, 1e30, [], {}]) }) },
      });
    } else if (kind === 7) {
      const depth = 5 + rng.int(200);
      const nested = 'artists(first: 1) { items { paintings(first: 1) { items { artistDetails { '.repeat(depth) + 'id' + ' } } } } }'.repeat(depth);
      out.push({ label: 'deep GraphQL', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ ${nested} }` }) } });
    } else if (kind === 9) {
      const key = Array.from({ length: 8 + rng.int(56) }, () => rng.pick([...'abcdefghijklmnopqrstuvwxyz0123456789-_'])).join('');
      const headers: Record<string, string> = rng.next() < 0.5 ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
      const target = rng.pick([
        { path: '/api/models', init: { method: 'GET', headers } },
        { path: '/api/index/rebuild', init: { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' } },
        { path: '/api/paintings/1', init: { method: 'DELETE', headers } },
        { path: '/metrics', init: { method: 'GET', headers } },
        { path: '/graphql', init: { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { rebuildIndex { id } }' }) } },
      ]);
      out.push({ label: 'rotating random key', ...target });
    } else {
      const aliases = Array.from({ length: 50 + rng.int(2000) }, (_, j) => `a${j}: nearestArtists(image: { paintingId: 1 }) { artists { artist } }`).join(' ');
      out.push({ label: 'wide GraphQL', path: '/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ ${aliases} }` }) } });
    }
  }
  return out;
}
