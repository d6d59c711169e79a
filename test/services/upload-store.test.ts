import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { UploadStore } from '../../src/services/upload-store.js';
import { pngDeclaring, truncated } from '../support/hostile-images.js';

const dir = mkdtempSync(join(tmpdir(), 'painter-uploads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jpeg = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#806040' } }).jpeg().toBuffer();

describe('UploadStore', () => {
  it('keeps a valid image under a random id with its size and format', async () => {
    const store = new UploadStore(dir);
    const u = await store.store(await jpeg(), 'x.jpg');
    expect(u).toMatchObject({ width: 40, height: 30, format: 'jpeg' });
    expect(await store.path(u.id)).toBe(u.path);
    expect(u.path.endsWith('.jpg')).toBe(true);
  });

  it('refuses empty, non-image, truncated and oversized images with their codes', async () => {
    const store = new UploadStore(dir);
    await expect(store.store(Buffer.alloc(0))).rejects.toMatchObject({ code: 'IMAGE_EMPTY', status: 400 });
    await expect(store.store(Buffer.from('hello'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', status: 422 });
    await expect(store.store(truncated(await jpeg()))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    await expect(store.store(pngDeclaring(50_000, 50_000))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', status: 413 });
  });

  it('lends validated bytes as a file only while it is used, even when the use fails', async () => {
    const own = mkdtempSync(join(dir, 'temporary-'));
    const store = new UploadStore(own);
    const seen = await store.withTemporaryFile(await jpeg(), 'q.jpg', async (path) => {
      expect(readdirSync(own)).toHaveLength(1);
      return (await sharp(path).metadata()).width;
    });
    expect(seen).toBe(40);
    expect(readdirSync(own)).toEqual([]);
    await expect(store.withTemporaryFile(await jpeg(), 'q.jpg', async () => Promise.reject(new Error('encoder down')))).rejects.toThrow('encoder down');
    expect(readdirSync(own)).toEqual([]);
    let used = false;
    const bad = store.withTemporaryFile(Buffer.from('hello'), 'notes.txt', async () => void (used = true));
    await expect(bad).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringMatching(/^'notes\.txt' is not a readable image/) });
    expect(used).toBe(false);
  });

  it('forgets expired uploads and rejects ids that are not its own', async () => {
    const store = new UploadStore(dir, 60_000);
    const u = await store.store(await jpeg());
    const old = new Date(Date.now() - 120_000);
    utimesSync(u.path, old, old);
    await expect(store.path(u.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(store.path('../../etc/passwd')).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });

  it('sweeps expired files on a store at most once per sweep interval', async () => {
    const own = mkdtempSync(join(tmpdir(), 'painter-uploads-sweep-'));
    const store = new UploadStore(own, 60_000, 3_600_000);
    const old = new Date(Date.now() - 120_000);
    const first = await store.store(await jpeg());
    utimesSync(first.path, old, old);
    const second = await store.store(await jpeg()); // the first store swept (nothing old yet); this one may not
    utimesSync(second.path, old, old);
    await store.store(await jpeg());
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(own)).toHaveLength(3); // no sweep within the interval: the expired files stay
    expect(await store.sweep()).toBe(2); // an explicit sweep removes both
    expect(readdirSync(own)).toHaveLength(1);
    rmSync(own, { recursive: true, force: true });
  });
});

describe('UploadStore across processes', () => {
  it('finds an upload stored by another store on the same directory (another replica), by its id alone', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'painter-uploads-shared-'));
    try {
      const a = new UploadStore(shared);
      const b = new UploadStore(shared);
      const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#102030' } }).png().toBuffer();
      const stored = await a.store(png, 'x.png');
      expect(await b.path(stored.id)).toBe(stored.path);
      expect(stored.path.endsWith('.png')).toBe(true);
      await expect(b.path('3f2a9c1e-0000-4000-8000-000000000001')).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
