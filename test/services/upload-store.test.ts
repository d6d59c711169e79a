import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
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

  it('forgets expired uploads and rejects ids that are not its own', async () => {
    const store = new UploadStore(dir, 60_000);
    const u = await store.store(await jpeg());
    const old = new Date(Date.now() - 120_000);
    utimesSync(u.path, old, old);
    await expect(store.path(u.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(store.path('../../etc/passwd')).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });
});
