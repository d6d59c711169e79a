/**
 * A Kaggle-style test folder: unlabelled images named by number (as Kaggle's `test/`), a
 * `submission_info.csv` of pairs (`index,image1,image2`) over them, and the artist of each image
 * in a separate CSV for checking a submission. Images come from the same generator as the
 * training corpus: some by its artists (new paintings), some by artists it never had.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { paintingPixels } from '../../src/demo/generate-paintings.js';

export interface KaggleTestFolder {
  /** The folder holding `test/`, `submission_info.csv` and `test_artists.csv`. */
  root: string;
  images: string;
  pairsCsv: string;
  labelsCsv: string;
  /** File name → artist index of the generator. */
  artistOf: Map<string, number>;
  pairs: { index: number; a: string; b: string }[];
}

export async function kaggleTestFolder(
  root: string,
  o: { artists: number[]; perArtist: number; size: number; seed: number; styles: number; firstPainting?: number },
): Promise<KaggleTestFolder> {
  const images = join(root, 'test');
  await mkdir(images, { recursive: true });
  const artistOf = new Map<string, number>();
  let n = 1000;
  for (const a of o.artists) {
    for (let k = 0; k < o.perArtist; k++) {
      const px = paintingPixels(a, (o.firstPainting ?? 50) + k, o.size, o.seed, o.styles);
      const file = `${n++}.jpg`;
      await writeFile(join(images, file), await sharp(Buffer.from(px), { raw: { width: o.size, height: o.size, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
      artistOf.set(file, a);
    }
  }
  const names = [...artistOf.keys()];
  const pairs: KaggleTestFolder['pairs'] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push({ index: pairs.length, a: names[i], b: names[j] });
  const pairsCsv = join(root, 'submission_info.csv');
  await writeFile(pairsCsv, 'index,image1,image2\n' + pairs.map((p) => `${p.index},${p.a},${p.b}`).join('\n') + '\n');
  const labelsCsv = join(root, 'test_artists.csv');
  await writeFile(labelsCsv, 'filename,artist\n' + names.map((f) => `${f},artist-${artistOf.get(f)}`).join('\n') + '\n');
  return { root, images, pairsCsv, labelsCsv, artistOf, pairs };
}
