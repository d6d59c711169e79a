import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PainterError } from '../../errors.js';
import { artistFolders, readFolderPerArtist } from './folder-per-artist.js';
import { CSV_LAYOUTS, readCsvLayout } from './labelled-csv.js';
import type { DatasetLayout, LayoutRead } from './types.js';

/** Reads a dataset directory in the first layout it matches: Kaggle CSVs, labels.csv, folders. */
export async function readLayout(root: string): Promise<LayoutRead & { layout: DatasetLayout }> {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new PainterError('DATASET_NOT_FOUND', `${root} is not a directory`);
  }
  for (const spec of CSV_LAYOUTS) {
    if (existsSync(join(root, spec.file))) return { layout: spec.layout, ...(await readCsvLayout(root, spec)) };
  }
  const folders = await artistFolders(root);
  if (folders.length) return { layout: 'folder-per-artist', ...(await readFolderPerArtist(root, folders)) };
  throw new PainterError(
    'DATASET_LAYOUT_UNKNOWN',
    `${root} has no all_data_info.csv, train_info.csv or labels.csv, and no artist folders with images`,
  );
}
