import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Rng } from '../../src/util/random.js';

export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n rows of dimension dim around `clusters` random centres; labels 1000, 1001, …. */
export function clustered(n: number, dim: number, clusters: number, seed: number): { rows: Float32Array; labels: number[]; dim: number } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => gaussian(rng)));
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(clusters)];
    for (let j = 0; j < dim; j++) rows[i * dim + j] = c[j] + 0.3 * gaussian(rng);
  }
  return { rows, labels: Array.from({ length: n }, (_, i) => 1000 + i), dim };
}

export function row(rows: Float32Array, dim: number, i: number): Float32Array {
  return rows.subarray(i * dim, (i + 1) * dim);
}

export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** A fresh temporary directory per call, all removed after the file's tests. */
export function tempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), 'painter-index-'));
    made.push(d);
    return d;
  };
}
