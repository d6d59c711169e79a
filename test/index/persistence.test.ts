import { readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PainterError } from '../../src/errors.js';
import { INDEX_FILE, MANIFEST_FILE, type IndexManifest } from '../../src/index/manifest.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { sha256File } from '../../src/util/files.js';
import { clustered, row, tempDirs } from './helpers.js';

const PARAMS = { M: 12, efConstruction: 80, ef: 40 };
const DIM = 16;
const newDir = tempDirs();

async function savedIndex(): Promise<{ dir: string; index: VectorIndex; rows: Float32Array; labels: number[]; checksum: string }> {
  const { rows, labels } = clustered(400, DIM, 8, 11);
  const index = VectorIndex.create(DIM, { ...PARAMS, capacity: 100, seed: 7 });
  labels.forEach((label, i) => index.add(label, row(rows, DIM, i)));
  for (const label of labels.filter((_, i) => i % 10 === 3)) index.remove(label);
  const dir = join(await newDir(), 'index');
  const { checksum } = await index.save(dir);
  return { dir, index, rows, labels, checksum };
}

async function expectCorrupt(promise: Promise<unknown>, ...fragments: string[]): Promise<PainterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PainterError);
  const e = error as PainterError;
  expect(e.code).toBe('INDEX_CORRUPT');
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}

async function editManifest(dir: string, edit: (m: IndexManifest) => void): Promise<void> {
  const path = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as IndexManifest;
  edit(manifest);
  await writeFile(path, JSON.stringify(manifest));
}

describe('VectorIndex persistence', () => {
  it('round-trips: same results, labels, params, and removed labels stay removed', async () => {
    const { dir, index, rows, labels, checksum } = await savedIndex();
    const loaded = await VectorIndex.load(dir, { expectedChecksum: checksum });
    expect(loaded.size).toBe(index.size);
    expect(loaded.size).toBe(360);
    expect(loaded.dim).toBe(DIM);
    expect(loaded.params).toEqual(PARAMS);
    expect(loaded.seed).toBe(7);
    expect(loaded.labels()).toEqual(index.labels());
    expect(loaded.has(labels[3])).toBe(false);
    expect(loaded.remove(labels[3])).toBe(false);
    for (let i = 0; i < 400; i += 37) {
      const hits = loaded.search(row(rows, DIM, i), 10);
      expect(hits).toEqual(index.search(row(rows, DIM, i), 10));
      expect(hits.map((h) => h.label)).not.toContain(labels[3]);
    }
    expect(loaded.vector(labels[1])).toEqual(index.vector(labels[1]));
  });

  it('writes index.hnsw and a manifest whose checksum and size describe it, leaving nothing else behind', async () => {
    const { dir, index, checksum } = await savedIndex();
    expect(await readdir(dir)).toEqual([INDEX_FILE, MANIFEST_FILE].sort());
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as IndexManifest;
    expect(manifest).toMatchObject({ formatVersion: 1, dim: DIM, params: PARAMS, elementCount: 360, checksum });
    expect(manifest.deletedLabels).toHaveLength(40);
    expect(await sha256File(join(dir, INDEX_FILE))).toBe(checksum);
    expect(manifest.bytes).toBe((await stat(join(dir, INDEX_FILE))).size);
    expect(Number.isNaN(Date.parse(manifest.createdAt))).toBe(false);

    // Saving again replaces the directory atomically and leaves no temporaries next to it.
    index.add(999_999, new Float32Array(DIM).fill(0.5));
    const again = await index.save(dir);
    expect(again.checksum).not.toBe(checksum);
    expect(await readdir(dirname(dir))).toEqual([basename(dir)]);
    const loaded = await VectorIndex.load(dir, { expectedChecksum: again.checksum });
    expect(loaded.has(999_999)).toBe(true);
  });

  it('a loaded index keeps accepting additions beyond its saved capacity and saves again', async () => {
    const { dir } = await savedIndex();
    const loaded = await VectorIndex.load(dir);
    const { rows } = clustered(600, DIM, 8, 12);
    for (let i = 0; i < 600; i++) loaded.add(50_000 + i, row(rows, DIM, i));
    expect(loaded.size).toBe(960);
    const { checksum } = await loaded.save(dir);
    expect((await VectorIndex.load(dir, { expectedChecksum: checksum })).size).toBe(960);
  });

  it('saves and loads an empty index', async () => {
    const dir = join(await newDir(), 'empty');
    const { checksum } = await VectorIndex.create(4, PARAMS).save(dir);
    const loaded = await VectorIndex.load(dir, { expectedChecksum: checksum });
    expect(loaded.size).toBe(0);
    expect(loaded.search([0, 0, 0, 0], 3)).toEqual([]);
    loaded.add(1, [1, 1, 1, 1]);
    expect(loaded.search([0, 0, 0, 0], 3)).toEqual([{ label: 1, distance: 2 }]);
  });

  it('rejects a checksum different from the expected one', async () => {
    const { dir } = await savedIndex();
    await expectCorrupt(VectorIndex.load(dir, { expectedChecksum: 'a'.repeat(64) }), INDEX_FILE, 'checksum mismatch', 'a'.repeat(64));
  });

  it('rejects missing files and directories', async () => {
    const { dir } = await savedIndex();
    await expectCorrupt(VectorIndex.load(join(dir, 'nope')), MANIFEST_FILE, 'missing');
    await rm(join(dir, INDEX_FILE));
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, 'missing');
    const other = await savedIndex();
    await rm(join(other.dir, MANIFEST_FILE));
    await expectCorrupt(VectorIndex.load(other.dir), MANIFEST_FILE, 'missing');
  });

  it('rejects a truncated index file by its size, before hnswlib reads it', async () => {
    const { dir } = await savedIndex();
    const path = join(dir, INDEX_FILE);
    await truncate(path, (await stat(path)).size - 1000);
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, 'truncated');
  });

  it('rejects a truncated index file even when the manifest was written to match it', async () => {
    const { dir } = await savedIndex();
    const path = join(dir, INDEX_FILE);
    await truncate(path, (await stat(path)).size - 1000);
    const checksum = await sha256File(path);
    const bytes = (await stat(path)).size;
    await editManifest(dir, (m) => Object.assign(m, { checksum, bytes }));
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, 'not a valid index file');
  });

  it('rejects a modified byte by checksum', async () => {
    const { dir } = await savedIndex();
    const path = join(dir, INDEX_FILE);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(path, bytes);
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, 'checksum mismatch');
  });

  it('rejects a manifest that is not JSON, lacks fields, or disagrees with the file', async () => {
    const { dir } = await savedIndex();
    const manifestPath = join(dir, MANIFEST_FILE);
    const original = await readFile(manifestPath, 'utf8');

    await writeFile(manifestPath, original.slice(0, 40));
    await expectCorrupt(VectorIndex.load(dir), MANIFEST_FILE, 'not valid JSON');

    await writeFile(manifestPath, original);
    await editManifest(dir, (m) => Object.assign(m, { checksum: undefined }));
    await expectCorrupt(VectorIndex.load(dir), MANIFEST_FILE, 'checksum');

    await writeFile(manifestPath, original);
    await editManifest(dir, (m) => Object.assign(m, { dim: 32 }));
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, '16-d');

    await writeFile(manifestPath, original);
    await editManifest(dir, (m) => Object.assign(m, { elementCount: m.elementCount + 1 }));
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE, 'elements');

    await writeFile(manifestPath, original);
    await editManifest(dir, (m) => m.deletedLabels.push(123_456_789));
    await expectCorrupt(VectorIndex.load(dir), INDEX_FILE);

    await writeFile(manifestPath, original);
    await expect(VectorIndex.load(dir)).resolves.toBeInstanceOf(VectorIndex);
  });
});
