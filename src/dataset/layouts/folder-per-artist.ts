/** One sub-folder per artist, named after the artist, with the images inside (nested folders too). */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS, slugify } from '../paths.js';
import type { LayoutRead, RawEntry } from './types.js';

async function filesUnder(dir: string, rel: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() && depth > 0) out.push(...(await filesUnder(dir, r, depth - 1)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

export async function artistFolders(root: string): Promise<string[]> {
  const dirs = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const withImages: string[] = [];
  for (const d of dirs) {
    const files = await filesUnder(root, d.name, 1);
    if (files.some((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))) withImages.push(d.name);
  }
  return withImages.sort();
}

export async function readFolderPerArtist(root: string, folders: string[]): Promise<LayoutRead> {
  const entries: RawEntry[] = [];
  for (const folder of folders) {
    // Every file is offered to the scan, which reports non-images by path instead of hiding them.
    for (const relPath of (await filesUnder(root, folder, 1)).sort()) {
      entries.push({ relPath, artist: slugify(folder), artistName: folder });
    }
  }
  return { entries, rejected: [] };
}
