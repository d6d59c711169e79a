/**
 * Uploaded query images, kept on disk for a while so GraphQL and follow-up queries can refer to
 * them by id. Files are named by a random id; expired ones are swept on each store.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { extensionFor, validateUpload, type ValidatedImage } from '../images/validate-upload.js';
import { writeFileAtomic } from '../util/files.js';

export interface StoredImage extends ValidatedImage {
  id: string;
  path: string;
  expiresAt: Date;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UploadStore {
  constructor(
    private readonly dir: string,
    private readonly ttlMs = 60 * 60 * 1000,
  ) {}

  async store(bytes: Buffer, filename?: string): Promise<StoredImage> {
    const image = await validateUpload(bytes, filename ? `'${filename}'` : undefined);
    await mkdir(this.dir, { recursive: true });
    void this.sweep().catch(() => undefined);
    const id = randomUUID();
    const path = join(this.dir, `${id}.${extensionFor(image.format)}`);
    await writeFileAtomic(path, bytes);
    return { ...image, id, path, expiresAt: new Date(Date.now() + this.ttlMs) };
  }

  /** The stored file of a live upload. */
  async path(id: string): Promise<string> {
    if (!ID.test(id)) throw new PainterError('UPLOAD_NOT_FOUND', `No upload ${JSON.stringify(id)}`);
    const name = (await readdir(this.dir).catch(() => [] as string[])).find((f) => f.startsWith(`${id}.`));
    if (!name) throw new PainterError('UPLOAD_NOT_FOUND', `Upload ${id} does not exist or has expired`);
    const path = join(this.dir, name);
    const s = await stat(path);
    if (Date.now() - s.mtimeMs > this.ttlMs) {
      await rm(path, { force: true });
      throw new PainterError('UPLOAD_NOT_FOUND', `Upload ${id} has expired`);
    }
    return path;
  }

  async sweep(): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const path = join(this.dir, name);
      const s = await stat(path).catch(() => null);
      if (s && now - s.mtimeMs > this.ttlMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
