import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddingCache, fileKey } from '../../src/scoring/embedding-cache.js';
import { npyHeader, writeNpy } from '../../src/scoring/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'scoring-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const identity = { modelVersion: 3, modelChecksum: 'abc', dim: 4 };

describe('embedding cache', () => {
  it('keeps vectors across runs, drops a record cut short, and starts afresh for another model', async () => {
    const path = join(dir, 'cache.bin');
    const first = await EmbeddingCache.open(path, identity);
    first.put('a', Float32Array.of(1, 2, 3, 4));
    first.put('b', Float32Array.of(5, 6, 7, 8));
    await first.close();
    // A crash in the middle of a third record: half of it on disk.
    const whole = statSync(path).size;
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([1, 0, 0, 0, 99, 1, 2])]));
    const second = await EmbeddingCache.open(path, identity);
    expect(second.size).toBe(2);
    expect(Array.from(second.get('b')!)).toEqual([5, 6, 7, 8]);
    expect(statSync(path).size).toBe(whole);
    second.put('c', Float32Array.of(9, 9, 9, 9));
    await second.close();
    expect((await EmbeddingCache.open(path, identity)).get('c')).toBeDefined();
    const other = await EmbeddingCache.open(path, { ...identity, modelChecksum: 'retrained' });
    expect(other.size).toBe(0);
    await other.close();
    truncateSync(path, 3);
    expect((await EmbeddingCache.open(path, identity)).size).toBe(0);
  });

  it('keys a file by path, size and modification time', async () => {
    const file = join(dir, 'x.jpg');
    writeFileSync(file, 'one');
    const before = await fileKey(file);
    writeFileSync(file, 'longer');
    expect(await fileKey(file)).not.toBe(before);
    expect(await fileKey(join(dir, 'missing.jpg'))).toBeNull();
  });
});

describe('.npy', () => {
  it('writes a version 1.0 float32 header padded to 64 bytes, then the rows', async () => {
    const h = npyHeader(3, 2);
    expect(h.length % 64).toBe(0);
    expect(h.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
    expect(h.toString('latin1', 10)).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 2\), \} *\n$/);
    const path = join(dir, 'm.npy');
    await writeNpy(path, Float32Array.of(1, 2, 3, 4, 5, 6), 2);
    const bytes = readFileSync(path);
    expect(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + h.length, bytes.byteOffset + bytes.length)))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
