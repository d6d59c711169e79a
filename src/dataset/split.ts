/**
 * The reference protocol's split: 20% of the ARTISTS become the test split (their paintings are
 * never seen in training), and 10% of the training artists' paintings are held out for
 * validation. Guarantee: for a given seed, the split of a painting depends only on the set of
 * artists and paintings (by relPath), not on the order they are listed in.
 */
import { Rng } from '../util/random.js';

export type Split = 'train' | 'validation' | 'test';

export interface SplitOptions {
  seed: number;
  testFraction?: number;
  validationFraction?: number;
}

export function splitByArtist(paintings: readonly { artist: string; relPath: string }[], options: SplitOptions): Split[] {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.1;
  const artists = [...new Set(paintings.map((p) => p.artist))].sort();
  new Rng(options.seed).shuffle(artists);
  let nTest = Math.round(artists.length * testFraction);
  if (artists.length >= 2) nTest = Math.min(Math.max(nTest, testFraction > 0 ? 1 : 0), artists.length - 1);
  const testArtists = new Set(artists.slice(0, nTest));

  const out = new Array<Split>(paintings.length);
  const byArtist = new Map<string, number[]>();
  paintings.forEach((p, i) => {
    if (testArtists.has(p.artist)) out[i] = 'test';
    else {
      out[i] = 'train';
      const g = byArtist.get(p.artist) ?? [];
      g.push(i);
      byArtist.set(p.artist, g);
    }
  });

  // Validation: a seeded draw over all training paintings (by path order), taking at most all
  // but one painting of any artist so every training artist still trains.
  const candidates = [...byArtist.values()].flat().sort((a, b) => (paintings[a].relPath < paintings[b].relPath ? -1 : 1));
  const nValidation = Math.round(candidates.length * validationFraction);
  const rng = Rng.derive(options.seed, 1);
  rng.shuffle(candidates);
  const left = new Map<string, number>([...byArtist].map(([a, g]) => [a, g.length]));
  let taken = 0;
  for (const i of candidates) {
    if (taken >= nValidation) break;
    const a = paintings[i].artist;
    if ((left.get(a) ?? 0) <= 1) continue;
    left.set(a, left.get(a)! - 1);
    out[i] = 'validation';
    taken++;
  }
  return out;
}
