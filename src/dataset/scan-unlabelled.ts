/**
 * A folder of images without labels (the Kaggle test folder, a collection to attribute): every
 * file below it is decoded once; unreadable files and duplicates are reported with a reason and
 * skipped, never fatal.
 */
import { cpus } from 'node:os';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PainterError } from '../errors.js';
import { probeImage } from './probe-image.js';
import { mapBounded, type SkippedEntry } from './scan.js';

export interface ScannedImage {
  relPath: string;
  sha256: string;
  width: number;
  height: number;
}

export interface UnlabelledScan {
  root: string;
  images: ScannedImage[];
  skipped: SkippedEntry[];
}

/** Every file below `root` (hidden ones left out), as sorted relative paths with '/' separators. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel === '') throw new PainterError('DATASET_NOT_FOUND', `${root} is not a readable directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  await walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function scanUnlabelled(dir: string, options: { onProgress?(done: number, total: number): void } = {}): Promise<UnlabelledScan> {
  const root = resolve(dir);
  const files = await listFiles(root);
  const probes = await mapBounded(files, Math.max(4, cpus().length * 2), (f) => probeImage(join(root, f)), (n) => options.onProgress?.(n, files.length));
  const images: ScannedImage[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Map<string, string>();
  files.forEach((relPath, i) => {
    const p = probes[i];
    if (!p.ok) return void skipped.push({ relPath, reason: p.reason });
    const first = seen.get(p.sha256);
    if (first) return void skipped.push({ relPath, reason: `duplicate of ${first}` });
    seen.set(p.sha256, relPath);
    images.push({ relPath, sha256: p.sha256, width: p.width, height: p.height });
  });
  return { root, images, skipped };
}
