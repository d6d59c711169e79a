/**
 * The CSV layouts: the Kaggle Painter by Numbers files (`all_data_info.csv`, `train_info.csv`)
 * and a plain `labels.csv`. They differ only in column names and in where the images live.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PainterError } from '../../errors.js';
import { resolveInside, slugify } from '../paths.js';
import { optional, readCsv } from './csv.js';
import type { DatasetLayout, LayoutRead, RawEntry } from './types.js';

interface CsvLayoutSpec {
  layout: DatasetLayout;
  file: string;
  fileColumn: string;
  yearColumn: string;
  /** Folder (relative to the root) the file names are relative to, for one row. */
  folderOf(row: Record<string, string>, root: string): string;
}

const beside = (root: string, sub: string): string => (existsSync(join(root, sub)) ? sub : '');

export const CSV_LAYOUTS: CsvLayoutSpec[] = [
  {
    layout: 'kaggle-all-data-info',
    file: 'all_data_info.csv',
    fileColumn: 'new_filename',
    yearColumn: 'date',
    folderOf: (row, root) => beside(root, /^(true|1)$/i.test(row.in_train ?? '') ? 'train' : 'test'),
  },
  {
    layout: 'kaggle-train-info',
    file: 'train_info.csv',
    fileColumn: 'filename',
    yearColumn: 'date',
    folderOf: (_row, root) => beside(root, 'train'),
  },
  { layout: 'labels-csv', file: 'labels.csv', fileColumn: 'file', yearColumn: 'year', folderOf: () => '' },
];

export async function readCsvLayout(root: string, spec: CsvLayoutSpec): Promise<LayoutRead> {
  const rows = await readCsv(join(root, spec.file));
  if (rows.length && !(spec.fileColumn in rows[0] && 'artist' in rows[0])) {
    throw new PainterError('DATASET_LAYOUT_UNKNOWN', `${join(root, spec.file)} needs the columns ${spec.fileColumn} and artist`);
  }
  const entries: RawEntry[] = [];
  const rejected: LayoutRead['rejected'] = [];
  for (const row of rows) {
    const name = row[spec.fileColumn] ?? '';
    const folder = spec.folderOf(row, root);
    const relPath = folder ? `${folder}/${name}` : name;
    if (!name) continue;
    if (!resolveInside(root, relPath)) {
      rejected.push({ relPath, reason: 'path is absolute or leaves the dataset directory' });
      continue;
    }
    const artistName = (row.artist ?? '').trim();
    const artist = slugify(artistName);
    if (!artist) {
      rejected.push({ relPath, reason: 'no artist label' });
      continue;
    }
    entries.push({
      relPath: relPath.split('\\').join('/'),
      artist,
      artistName,
      title: optional(row.title),
      year: optional(row[spec.yearColumn]),
      style: optional(row.style),
    });
  }
  return { entries, rejected };
}
