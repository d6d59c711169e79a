/**
 * Uploaded query images, kept on disk for a while so GraphQL and follow-up queries can refer to
 * them by id. Files are named by a random id and their format's extension, and found again by
 * that name alone, never by memory of this process: replicas sharing the directory (the data
 * volume) answer for each other's uploads. Expired ones are swept by a store at most once per
 * sweep interval and never by two at once: a directory scan per upload would cost O(uploads) each.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PainterError } from '../errors.js';
import { extensionFor, UPLOAD_EXTENSIONS, uploadLabel, validateUpload, type ValidatedImage } from '../images/validate-upload.js';
import { writeFileAtomic } from '../util/files.js';

export interface StoredImage extends ValidatedImage {
  id: string;
  path: string;
  expiresAt: Date;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UploadStore {
  private lastSweep = 0;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly dir: string,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly sweepIntervalMs = Math.min(ttlMs / 4, 60_000),
  ) {}

  async store(bytes: Buffer, filename?: string): Promise<StoredImage> {
    const image = await validateUpload(bytes, uploadLabel(filename));
    await mkdir(this.dir, { recursive: true });
    if (!this.sweeping && Date.now() - this.lastSweep >= this.sweepIntervalMs) {
      this.lastSweep = Date.now();
      this.sweeping = this.sweep().finally(() => (this.sweeping = null));
      this.sweeping.catch(() => undefined);
    }
    const id = randomUUID();
    const name = `${id}.${extensionFor(image.format)}`;
    const path = join(this.dir, name);
    await writeFileAtomic(path, bytes);
    return { ...image, id, path, expiresAt: new Date(Date.now() + this.ttlMs) };
  }

  /**
   * Validated bytes as a file for as long as `use` runs, then removed: for readers that only take
   * paths. Never listed as an upload.
   */
  async withTemporaryFile<T>(bytes: Buffer, filename: string | undefined, use: (path: string) => Promise<T>): Promise<T> {
    const image = await validateUpload(bytes, uploadLabel(filename));
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `.query-${randomUUID()}.${extensionFor(image.format)}`);
    await writeFileAtomic(path, bytes);
    try {
      return await use(path);
    } finally {
      await rm(path, { force: true });
    }
  }

  /** The stored file of a live upload. */
  async path(id: string): Promise<string> {
    if (!ID.test(id)) throw new PainterError('UPLOAD_NOT_FOUND', `No upload ${JSON.stringify(id)}`);
    let path: string | null = null;
    let s: Awaited<ReturnType<typeof stat>> | null = null;
    for (const ext of UPLOAD_EXTENSIONS) {
      const candidate = join(this.dir, `${id}.${ext}`);
      s = await stat(candidate).catch(() => null);
      if (s) {
        path = candidate;
        break;
      }
    }
    if (!path || !s) throw new PainterError('UPLOAD_NOT_FOUND', `Upload ${id} does not exist or has expired`);
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
