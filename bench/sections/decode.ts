/**
 * Section `decode`: decoding + centre crop + resize to the served model's input with sharp, over
 * the same files: in the serving thread and in decode workers, one image at a time and with
 * several in flight. Besides images/s it reports how busy the calling thread's event loop was —
 * what a server thread would have had left for requests.
 */
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { DecodePool } from '../../src/inference/decode-pool.js';
import { decodeForEncoder, type DecodeSpec } from '../../src/inference/decode-spec.js';
import { ratio } from '../lib/stats.js';
import type { BenchContext, BenchResult, BenchSection, TableRow } from '../lib/types.js';

const IMAGE = /\.(jpe?g|png|webp|tiff?)$/i;

async function imagesUnder(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (found.length >= limit) return;
      if (e.isDirectory()) await walk(join(d, e.name));
      else if (IMAGE.test(e.name)) found.push(join(d, e.name));
    }
  };
  await walk(dir);
  return found;
}

interface Measured {
  imagesPerSecond: number;
  /** Share of the time the calling thread's event loop was busy (0..1). */
  eventLoopBusy: number;
}

/** Decodes every file with `inFlight` requests outstanding. */
async function throughput(files: string[], decode: (f: string) => Promise<unknown>, inFlight: number): Promise<Measured> {
  let next = 0;
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < files.length) await decode(files[next++]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { imagesPerSecond: files.length / seconds, eventLoopBusy: performance.eventLoopUtilization(elu).utilization };
}

export const decodeSection: BenchSection = {
  name: 'decode',
  description: 'image decoding + preprocessing throughput: in-process, one worker, the worker pool',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const count = ctx.quick ? 48 : 240;
    let files: string[];
    let source: string;
    if (ctx.dataset) {
      files = await imagesUnder(ctx.dataset, count);
      source = `${files.length} images from ${ctx.dataset}`;
    } else {
      // Generated 1024 px JPEGs: about the size of a typical upload.
      const fixture = await generatePaintingDataset(join(ctx.tmpDir, 'decode'), { artists: 8, perArtist: Math.ceil(count / 8), size: 1024, layout: 'labels-csv', seed: ctx.seed });
      files = fixture.paintings.map((p) => join(fixture.root, p.relPath)).slice(0, count);
      source = `${files.length} generated 1024×1024 JPEGs`;
    }
    const spec: DecodeSpec = { kind: 'square-bytes', size: 224 };
    const cores = availableParallelism();
    const poolSize = Math.max(2, cores);
    const one = await DecodePool.start(1);
    const pool = await DecodePool.start(poolSize);
    const inFlight = 2 * poolSize;
    // sharp queues work on libuv's thread pool, so even the serving thread decodes several images
    // at once when several are in flight; "one at a time" is the single-core rate.
    const modes: Record<string, { decode: (f: string) => Promise<unknown>; inFlight: number }> = {
      'serving thread, one at a time': { decode: (f) => decodeForEncoder(f, spec), inFlight: 1 },
      [`serving thread, ${inFlight} in flight`]: { decode: (f) => decodeForEncoder(f, spec), inFlight },
      '1 decode worker, one at a time': { decode: (f) => one.decode(f, spec), inFlight: 1 },
      [`pool of ${poolSize} decode workers, ${inFlight} in flight`]: { decode: (f) => pool.decode(f, spec), inFlight },
    };
    const rounds = ctx.quick ? 1 : 3;
    const results = new Map<string, Measured[]>(Object.keys(modes).map((k) => [k, []]));
    await throughput(files.slice(0, 8), (f) => pool.decode(f, spec), 2); // warm the page cache and the workers
    const bar = ctx.progress('decode', rounds * Object.keys(modes).length);
    let done = 0;
    for (let r = 0; r < rounds; r++) {
      for (const [label, m] of Object.entries(modes)) {
        results.get(label)!.push(await throughput(files, m.decode, m.inFlight));
        bar.update(++done);
      }
    }
    bar.stop();
    await one.close();
    await pool.close();
    const best = (label: string) => results.get(label)!.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
    const single = best('1 decode worker, one at a time').imagesPerSecond;
    const rows: TableRow[] = Object.keys(modes).map((label) => ({
      label,
      metrics: {
        'images/s (best)': best(label).imagesPerSecond,
        'images/s (each round)': results.get(label)!.map((v) => v.imagesPerSecond.toFixed(0)).join(' / '),
        'serving thread busy %': 100 * best(label).eventLoopBusy,
      },
      ratios: { 'vs 1 worker': ratio(best(label).imagesPerSecond, single) },
    }));
    return {
      tables: [
        {
          title: `Decode + cover-crop + resize to 224 px RGB (sharp): ${source}`,
          rows,
          notes: ['serving thread busy %: event-loop utilisation of the thread that asked for the images while they decoded.'],
        },
      ],
      raw: { source, spec, poolSize, inFlight, results: Object.fromEntries(results) },
    };
  },
};
