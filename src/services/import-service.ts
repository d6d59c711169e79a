/**
 * `painter import DIR`: scan a labelled folder, clean it, split it by artist and record it in the
 * metadata database. Re-importing the same folder updates it in place (idempotent).
 */
import { basename } from 'node:path';
import type { DatasetRepository } from '../db/repositories/dataset-repository.js';
import { scanDataset, type ScanResult } from '../dataset/scan.js';
import { scanUnlabelled } from '../dataset/scan-unlabelled.js';
import { splitByArtist } from '../dataset/split.js';
import { PainterError } from '../errors.js';

export interface ImportOptions {
  seed?: number;
  testFraction?: number;
  validationFraction?: number;
  onProgress?(done: number, total: number): void;
}

export interface ImportReport {
  datasetId: number;
  root: string;
  layout: string;
  artists: number;
  paintings: number;
  splits: { train: number; validation: number; test: number };
  artistsBySplit: { train: number; test: number };
  skipped: { relPath: string; reason: string }[];
  changes: { added: number; updated: number; removed: number; unchanged: number };
  seconds: number;
}

export const DEFAULT_SPLIT_SEED = 42;

export async function importDataset(repo: DatasetRepository, dir: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const scan: ScanResult = await scanDataset(dir, { onProgress: options.onProgress });
  if (scan.paintings.length === 0) {
    throw new PainterError('DATASET_EMPTY', `No usable paintings in ${scan.root} (${scan.skipped.length} files skipped)`, {
      skipped: scan.skipped.slice(0, 20),
    });
  }
  const split = splitByArtist(scan.paintings, {
    seed,
    testFraction: options.testFraction,
    validationFraction: options.validationFraction,
  });

  const artistSplit = new Map<string, 'train' | 'test'>();
  const artistName = new Map<string, string>();
  const artistCount = new Map<string, number>();
  const paintings = scan.paintings.map((p, i) => {
    const s = split[i];
    artistSplit.set(p.artist, s === 'test' ? 'test' : 'train');
    artistName.set(p.artist, p.artistName);
    artistCount.set(p.artist, (artistCount.get(p.artist) ?? 0) + 1);
    return {
      relPath: p.relPath,
      sha256: p.sha256,
      artistSlug: p.artist,
      title: p.title ?? null,
      year: p.year ?? null,
      style: p.style ?? null,
      width: p.width,
      height: p.height,
      split: s,
    };
  });
  const artists = [...artistSplit.entries()].map(([slug, s]) => ({
    slug,
    name: artistName.get(slug)!,
    split: s,
    paintingCount: artistCount.get(slug)!,
  }));
  const splits = { train: 0, validation: 0, test: 0 };
  for (const s of split) splits[s]++;

  const dataset = await repo.upsertDataset({
    rootPath: scan.root,
    name: basename(scan.root),
    layout: scan.layout,
    seed,
    stats: { paintings: paintings.length, artists: artists.length, skipped: scan.skipped.length, splits },
  });
  const changes = await repo.replaceContents(dataset.id, { artists, paintings, skipped: scan.skipped });
  return {
    datasetId: dataset.id,
    root: scan.root,
    layout: scan.layout,
    artists: artists.length,
    paintings: paintings.length,
    splits,
    artistsBySplit: {
      train: artists.filter((a) => a.split === 'train').length,
      test: artists.filter((a) => a.split === 'test').length,
    },
    skipped: scan.skipped,
    changes,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface UnlabelledImportReport {
  datasetId: number;
  root: string;
  layout: 'unlabelled-folder';
  paintings: number;
  skipped: { relPath: string; reason: string }[];
  changes: { added: number; updated: number; removed: number; unchanged: number };
  seconds: number;
}

/**
 * `painter import DIR --unlabelled`: every image of a folder, without artists. They are indexed
 * with every model's corpus (searched and compared, never counted as an artist) and never used
 * for training or evaluation. Re-importing updates the folder in place.
 */
export async function importUnlabelled(repo: DatasetRepository, dir: string, options: Pick<ImportOptions, 'onProgress'> = {}): Promise<UnlabelledImportReport> {
  const started = performance.now();
  const scan = await scanUnlabelled(dir, { onProgress: options.onProgress });
  const existing = await repo.findByRootPath(scan.root);
  if (existing && existing.layout !== 'unlabelled-folder') {
    throw new PainterError('INVALID_ARGUMENT', `${scan.root} is imported as a labelled dataset (${existing.layout}); importing it unlabelled would drop its artists`, {
      datasetId: existing.id,
    });
  }
  if (scan.images.length === 0) {
    throw new PainterError('DATASET_EMPTY', `No readable images in ${scan.root} (${scan.skipped.length} files skipped)`, { skipped: scan.skipped.slice(0, 20) });
  }
  const dataset = await repo.upsertDataset({
    rootPath: scan.root,
    name: basename(scan.root),
    layout: 'unlabelled-folder',
    seed: 0,
    stats: { paintings: scan.images.length, artists: 0, skipped: scan.skipped.length, splits: { unlabelled: scan.images.length } },
  });
  const changes = await repo.replaceContents(dataset.id, {
    artists: [],
    paintings: scan.images.map((i) => ({ ...i, artistSlug: null, split: 'unlabelled' as const })),
    skipped: scan.skipped,
  });
  return {
    datasetId: dataset.id,
    root: scan.root,
    layout: 'unlabelled-folder',
    paintings: scan.images.length,
    skipped: scan.skipped,
    changes,
    seconds: (performance.now() - started) / 1000,
  };
}
