import { describe, expect, it } from 'vitest';
import { splitByArtist } from '../../src/dataset/split.js';
import { Rng } from '../../src/util/random.js';

const paintings = Array.from({ length: 50 }, (_, a) => a).flatMap((a) =>
  Array.from({ length: 5 + (a % 7) }, (_, k) => ({ artist: `artist-${a}`, relPath: `${a}/${k}.jpg` })),
);

describe('splitByArtist', () => {
  const splits = splitByArtist(paintings, { seed: 42 });

  it('puts no artist in both training and test', () => {
    const testArtists = new Set(paintings.filter((_, i) => splits[i] === 'test').map((p) => p.artist));
    const trainArtists = new Set(paintings.filter((_, i) => splits[i] !== 'test').map((p) => p.artist));
    for (const a of testArtists) expect(trainArtists.has(a)).toBe(false);
    expect(testArtists.size).toBe(10); // 20% of 50 artists
  });

  it('holds out about 10% of training paintings for validation, and every training artist keeps one to train on', () => {
    const trainish = splits.filter((s) => s !== 'test').length;
    const validation = splits.filter((s) => s === 'validation').length;
    expect(validation).toBe(Math.round(trainish * 0.1));
    const trainArtists = new Set(paintings.filter((_, i) => splits[i] === 'train').map((p) => p.artist));
    expect(trainArtists.size).toBe(40);
  });

  it('is deterministic for a seed and independent of input order', () => {
    const shuffled = new Rng(3).shuffle(paintings.map((p, i) => ({ ...p, i })));
    const again = splitByArtist(shuffled, { seed: 42 });
    shuffled.forEach((p, j) => expect(again[j]).toBe(splits[p.i]));
  });

  it('changes with the seed', () => {
    expect(splitByArtist(paintings, { seed: 7 })).not.toEqual(splits);
  });
});
