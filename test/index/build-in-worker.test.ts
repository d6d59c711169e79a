import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { buildIndexInWorker } from '../../src/index/build-in-worker.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { clustered, row, tempDirs } from './helpers.js';

const PARAMS = { M: 16, efConstruction: 100, ef: 50, seed: 5 };
const newDir = tempDirs();

describe('buildIndexInWorker', () => {
  it('builds the same index as an in-thread build, reports progress, and leaves the event loop free', async () => {
    const dim = 32;
    const { rows, labels } = clustered(1500, dim, 30, 31);
    const dir = join(await newDir(), 'built');
    const progress: [number, number][] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksAtFirstInsert = -1;
    let ticksAtLastProgress = 0;
    const result = await buildIndexInWorker({
      vectors: rows,
      labels,
      dim,
      params: PARAMS,
      dir,
      onProgress: (done, total) => {
        progress.push([done, total]);
        if (done > 0 && ticksAtFirstInsert < 0) ticksAtFirstInsert = ticks;
        ticksAtLastProgress = ticks;
      },
    }).finally(() => clearInterval(timer));

    expect(result.elementCount).toBe(1500);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.bytes).toBeGreaterThan(1500 * dim * 4);
    expect(progress.at(-1)).toEqual([1500, 1500]);
    expect(progress.length).toBeGreaterThanOrEqual(50);
    expect(progress.length).toBeLessThanOrEqual(102);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
    // The main thread ran its timer while the worker was inserting.
    expect(ticksAtFirstInsert).toBeGreaterThanOrEqual(0);
    expect(ticksAtLastProgress - ticksAtFirstInsert).toBeGreaterThan(2);
    // The caller's array is untouched (shared by copy, not transferred away).
    expect(rows.length).toBe(1500 * dim);

    const fromWorker = await VectorIndex.load(dir, { expectedChecksum: result.checksum });
    const inThread = VectorIndex.create(dim, { ...PARAMS, capacity: 1500 });
    labels.forEach((label, i) => inThread.add(label, row(rows, dim, i)));
    expect((await inThread.save(join(await newDir(), 'local'))).checksum).toBe(result.checksum);
    expect(fromWorker.size).toBe(1500);
    expect(fromWorker.params).toEqual({ M: 16, efConstruction: 100, ef: 50 });
    for (let i = 0; i < 1500; i += 97) expect(fromWorker.search(row(rows, dim, i), 10)).toEqual(inThread.search(row(rows, dim, i), 10));
  });

  it('shares a SharedArrayBuffer-backed input and accepts Int32Array labels', async () => {
    const dim = 16;
    const { rows, labels } = clustered(300, dim, 10, 32);
    const shared = new Float32Array(new SharedArrayBuffer(rows.byteLength));
    shared.set(rows);
    const dir = join(await newDir(), 'shared');
    const result = await buildIndexInWorker({ vectors: shared, labels: Int32Array.from(labels), dim, params: PARAMS, dir });
    const index = await VectorIndex.load(dir, { expectedChecksum: result.checksum });
    expect(index.search(row(rows, dim, 7), 1)[0]).toEqual({ label: labels[7], distance: 0 });
  });

  it('on abort terminates the worker, rejects with an AbortError and leaves no directory', async () => {
    const dim = 64;
    const { rows, labels } = clustered(4000, dim, 40, 33);
    const parent = await newDir();
    const dir = join(parent, 'aborted');
    const controller = new AbortController();
    let progressCalls = 0;
    const build = buildIndexInWorker({
      vectors: rows,
      labels,
      dim,
      params: { M: 16, efConstruction: 200, ef: 50 },
      dir,
      signal: controller.signal,
      onProgress: (done) => {
        progressCalls++;
        if (done > 0) controller.abort();
      },
    });
    await expect(build).rejects.toMatchObject({ name: 'AbortError' });
    expect(progressCalls).toBeLessThan(100);
    expect(existsSync(dir)).toBe(false);
    expect(await readdir(parent)).toEqual([]);
  });

  it('an aborted rebuild keeps the previous index in place', async () => {
    const dim = 16;
    const { rows, labels } = clustered(200, dim, 5, 34);
    const dir = join(await newDir(), 'kept');
    const first = await buildIndexInWorker({ vectors: rows, labels, dim, params: PARAMS, dir });
    const controller = new AbortController();
    controller.abort();
    await expect(buildIndexInWorker({ vectors: rows, labels, dim, params: PARAMS, dir, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect((await VectorIndex.load(dir, { expectedChecksum: first.checksum })).size).toBe(200);
  });

  it('rejects with the error raised in the worker and writes nothing', async () => {
    const dim = 8;
    const { rows, labels } = clustered(100, dim, 5, 35);
    rows[50 * dim + 3] = Number.NaN;
    const parent = await newDir();
    const error = await buildIndexInWorker({ vectors: rows, labels, dim, params: PARAMS, dir: join(parent, 'bad') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PainterError);
    expect((error as PainterError).code).toBe('INVALID_ARGUMENT');
    expect((error as PainterError).message).toContain('non-finite');
    expect(await readdir(parent)).toEqual([]);
  });

  it('validates shapes, labels and params before starting a worker', async () => {
    const dir = join(await newDir(), 'never');
    const vectors = new Float32Array(10);
    await expect(buildIndexInWorker({ vectors, labels: [1, 2, 3], dim: 5, params: PARAMS, dir })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(buildIndexInWorker({ vectors, labels: [1, -2], dim: 5, params: PARAMS, dir })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(buildIndexInWorker({ vectors, labels: [1, 2], dim: 5, params: { ...PARAMS, M: 0 }, dir })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(existsSync(dir)).toBe(false);
  });
});
