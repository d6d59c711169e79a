/**
 * Embeds many image files with one encoder, each file once, answering every file with its
 * vector or the reason it could not be read — an unreadable file never stops the others. Vectors
 * already in the embedding cache are taken from it; new ones are added to it as they come, so an
 * interrupted run resumes where it stopped.
 *
 * An encoder that decodes in memory (ONNX Runtime through the decode pool) gets every file as its
 * own request, many in flight: its micro-batcher runs them as full batches on every session. The
 * encoder is only started when some file is not in the cache (starting its sessions and decode
 * workers takes seconds).
 */
import { readFile } from 'node:fs/promises';
import type { Encoder } from '../encoders/encoder.js';
import { isPainterError } from '../errors.js';
import { fileKey, type EmbeddingCache } from './embedding-cache.js';

export interface EmbedFailure {
  /** Position in the paths given. */
  index: number;
  path: string;
  reason: string;
}

export interface EmbedOutcome {
  /** n × dim, row i for paths[i] (zeros where it failed). */
  vectors: Float32Array;
  dim: number;
  /** 1 where row i holds an embedding. */
  ok: Uint8Array;
  failures: EmbedFailure[];
  /** Rows taken from the cache, and rows embedded now. */
  cached: number;
  embedded: number;
  /** Seconds spent embedding (cache reads excluded). */
  seconds: number;
}

export interface EmbedImagesOptions {
  cache?: EmbeddingCache;
  /** Images in flight at once (default 32: a few full micro-batches per session). */
  concurrency?: number;
  onProgress?(done: number, total: number): void;
}

/** Files per tfjs call for encoders that only read files; a failed call is retried file by file. */
const FILE_CHUNK = 32;

/** An encoder, or how to start one (with the dimension it will have) when one is needed. */
export type EncoderSource = Encoder | { dim: number; start(): Promise<Encoder> };

export async function embedImages(source: EncoderSource, paths: readonly string[], options: EmbedImagesOptions = {}): Promise<EmbedOutcome> {
  const dim = source.dim;
  const n = paths.length;
  const vectors = new Float32Array(n * dim);
  const ok = new Uint8Array(n);
  const failures: EmbedFailure[] = [];
  const keys: (string | null)[] = new Array(n).fill(null);
  let done = 0;
  let cached = 0;
  const progress = () => options.onProgress?.(done, n);
  const fail = (i: number, e: unknown) => {
    failures.push({ index: i, path: paths[i], reason: reasonOf(e) });
    done++;
    progress();
  };
  const store = (i: number, v: Float32Array) => {
    if (v.length !== dim) throw new Error(`the encoder returned ${v.length} values for ${paths[i]}, expected ${dim}`);
    vectors.set(v, i * dim);
    ok[i] = 1;
    if (keys[i] && options.cache) options.cache.put(keys[i]!, v);
    done++;
    progress();
  };

  // What the cache already holds, and which files are missing outright.
  const todo: number[] = [];
  await Promise.all(
    paths.map(async (p, i) => {
      keys[i] = await fileKey(p);
      if (keys[i] === null) return fail(i, new Error('file not found'));
      const hit = options.cache?.get(keys[i]!);
      if (hit && hit.length === dim) {
        vectors.set(hit, i * dim);
        ok[i] = 1;
        cached++;
        done++;
      } else todo.push(i);
    }),
  );
  todo.sort((a, b) => a - b);
  progress();

  const started = performance.now();
  const encoder = todo.length === 0 ? null : 'start' in source ? await source.start() : source;
  if (!encoder) {
    // Everything came from the cache.
  } else if (encoder.embedBytes) {
    const embedBytes = encoder.embedBytes.bind(encoder);
    let next = 0;
    const lane = async () => {
      while (next < todo.length) {
        const i = todo[next++];
        try {
          store(i, await embedBytes(await readFile(paths[i]), paths[i]));
        } catch (e) {
          if (!isImageProblem(e)) throw e;
          fail(i, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, todo.length) }, lane));
  } else {
    for (let start = 0; start < todo.length; start += FILE_CHUNK) {
      const chunk = todo.slice(start, start + FILE_CHUNK);
      try {
        const rows = await encoder.embedFiles(chunk.map((i) => paths[i]));
        chunk.forEach((i, j) => store(i, rows.subarray(j * dim, (j + 1) * dim)));
      } catch {
        // Which file was it: one at a time (file-reading encoders do not all say why with a code).
        for (const i of chunk) {
          try {
            store(i, await encoder.embedFiles([paths[i]]));
          } catch (e) {
            fail(i, e);
          }
        }
      }
    }
  }
  await options.cache?.flush();
  failures.sort((a, b) => a.index - b.index);
  return { vectors, dim, ok, failures, cached, embedded: n - cached - failures.length, seconds: (performance.now() - started) / 1000 };
}

/** A problem of the file (unreadable, not an image, too large), not of the encoder. */
function isImageProblem(e: unknown): boolean {
  if (isPainterError(e)) return e.status < 500;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'EPERM', 'ENOTDIR'].includes(code);
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (typeof code === 'string' && !isPainterError(e)) return `cannot read file (${code})`;
  return e instanceof Error ? e.message : String(e);
}
