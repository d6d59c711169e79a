/**
 * Reads a labelled dataset directory and cleans it as the reference protocol does: every file is
 * decoded once; unreadable files, duplicates and artists left with a single painting are
 * reported with a reason and skipped, never fatal.
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { readLayout } from './layouts/detect-layout.js';
import type { DatasetLayout, RawEntry } from './layouts/types.js';
import { probeImage } from './probe-image.js';

export interface ScannedPainting {
  relPath: string;
  sha256: string;
  artist: string;
  artistName: string;
  title?: string;
  year?: string;
  style?: string;
  width: number;
  height: number;
}

export interface SkippedEntry {
  relPath: string;
  reason: string;
}

export interface ScanResult {
  root: string;
  layout: DatasetLayout;
  paintings: ScannedPainting[];
  skipped: SkippedEntry[];
  stats: { listed: number; paintings: number; artists: number; skipped: number; seconds: number };
}

export interface ScanOptions {
  concurrency?: number;
  onProgress?(done: number, total: number): void;
}

export async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, onDone?: (n: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
      onDone?.(++done);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function scanDataset(dir: string, options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const root = resolve(dir);
  const { layout, entries, rejected } = await readLayout(root);
  const skipped: SkippedEntry[] = [...rejected];

  // One entry per path: a CSV listing a file twice keeps its first row.
  const seenPath = new Set<string>();
  const unique: RawEntry[] = [];
  for (const e of entries) {
    if (seenPath.has(e.relPath)) skipped.push({ relPath: e.relPath, reason: 'listed more than once' });
    else {
      seenPath.add(e.relPath);
      unique.push(e);
    }
  }
  unique.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));

  const concurrency = options.concurrency ?? Math.max(4, cpus().length * 2);
  const probes = await mapBounded(unique, concurrency, (e) => probeImage(join(root, e.relPath)), (n) => options.onProgress?.(n, unique.length));

  // De-duplicate identical bytes; the same bytes under two artists make both labels doubtful.
  const byHash = new Map<string, { entry: RawEntry; width: number; height: number; dupes: RawEntry[] }>();
  unique.forEach((e, i) => {
    const p = probes[i];
    if (!p.ok) {
      skipped.push({ relPath: e.relPath, reason: p.reason });
      return;
    }
    const first = byHash.get(p.sha256);
    if (first) first.dupes.push(e);
    else byHash.set(p.sha256, { entry: e, width: p.width, height: p.height, dupes: [] });
  });
  const kept: ScannedPainting[] = [];
  for (const [sha256, g] of byHash) {
    const conflicting = g.dupes.some((d) => d.artist !== g.entry.artist);
    if (conflicting) {
      const artists = [...new Set([g.entry, ...g.dupes].map((d) => d.artist))].join(', ');
      for (const d of [g.entry, ...g.dupes]) skipped.push({ relPath: d.relPath, reason: `identical file labelled with different artists (${artists})` });
      continue;
    }
    for (const d of g.dupes) skipped.push({ relPath: d.relPath, reason: `duplicate of ${g.entry.relPath}` });
    const { relPath, artist, artistName, title, year, style } = g.entry;
    kept.push({ relPath, sha256, artist, artistName, title, year, style, width: g.width, height: g.height });
  }

  // The reference drops artists with a single painting: they can form no positive pair.
  const counts = new Map<string, number>();
  for (const p of kept) counts.set(p.artist, (counts.get(p.artist) ?? 0) + 1);
  const paintings: ScannedPainting[] = [];
  for (const p of kept) {
    if ((counts.get(p.artist) ?? 0) < 2) skipped.push({ relPath: p.relPath, reason: `artist ${p.artist} has fewer than 2 usable paintings` });
    else paintings.push(p);
  }
  paintings.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return {
    root,
    layout,
    paintings,
    skipped,
    stats: {
      listed: entries.length,
      paintings: paintings.length,
      artists: new Set(paintings.map((p) => p.artist)).size,
      skipped: skipped.length,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
