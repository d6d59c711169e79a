/**
 * The truth `painter score --labels` checks a submission against: either the artist of each image
 * (Kaggle's train_info.csv or all_data_info.csv, a labels.csv, or a folder holding one of them),
 * a pair then being "same" when both images are labelled and the artists match; or a solution
 * file with a same-artist column per pair index (read alongside the pairs, in the same order).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PainterError } from '../errors.js';
import { lines, splitCsvLine } from './pairs-csv.js';

export type PairTruth =
  | { kind: 'artists'; artistOf(name: string): string | null; labelled: number; source: string }
  | { kind: 'pairs'; next(index: string): Promise<boolean | null>; source: string };

const FILE_COLUMNS = ['new_filename', 'filename', 'file', 'image', 'path'];
const LABEL_FILES = ['all_data_info.csv', 'train_info.csv', 'labels.csv'];
const TRUTHY = new Set(['1', 'true', 'yes', '1.0']);
const FALSY = new Set(['0', 'false', 'no', '0.0']);

export async function openPairTruth(path: string): Promise<PairTruth> {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const found = LABEL_FILES.map((f) => join(path, f)).find((f) => existsSync(f));
    if (!found) throw new PainterError('PAIRS_CSV_INVALID', `${path} has none of ${LABEL_FILES.join(', ')} to read labels from`, { path });
    file = found;
  }
  if (!existsSync(file)) throw new PainterError('PAIRS_CSV_INVALID', `No labels file ${file}`, { path: file });
  const it = lines(file)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new PainterError('PAIRS_CSV_INVALID', `${file} is empty`, { path: file });
  const header = splitCsvLine(first.value.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
  const sameCol = header.indexOf('sameartist');
  const indexCol = header.indexOf('index');
  if (sameCol >= 0) {
    let row = 0;
    return {
      kind: 'pairs',
      source: file,
      next: async (index) => {
        const r = await it.next();
        if (r.done) throw new PainterError('PAIRS_CSV_INVALID', `${file} ends before the pairs do (pair ${index})`, { path: file });
        const f = splitCsvLine(r.value);
        const own = indexCol >= 0 ? f[indexCol]?.trim() : String(row);
        row++;
        if (own !== index) {
          throw new PainterError('PAIRS_CSV_INVALID', `${file} lists pair ${own} where the pairs file has ${index}: the two files must list pairs in the same order`, { path: file });
        }
        const v = (f[sameCol] ?? '').trim().toLowerCase();
        return TRUTHY.has(v) ? true : FALSY.has(v) ? false : null;
      },
    };
  }
  const fileCol = FILE_COLUMNS.map((c) => header.indexOf(c)).find((i) => i >= 0);
  const artistCol = header.indexOf('artist');
  if (fileCol === undefined || artistCol < 0) {
    throw new PainterError('PAIRS_CSV_INVALID', `${file} needs a sameArtist column, or a file column (${FILE_COLUMNS.join(', ')}) and an artist column`, { path: file, header });
  }
  const byName = new Map<string, string>();
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    if (r.value.trim() === '') continue;
    const f = splitCsvLine(r.value);
    const name = f[fileCol]?.trim();
    const artist = f[artistCol]?.trim();
    if (!name || !artist) continue;
    byName.set(name, artist);
    byName.set(basename(name), artist);
  }
  return { kind: 'artists', source: file, labelled: byName.size, artistOf: (name) => byName.get(name) ?? byName.get(basename(name)) ?? null };
}
