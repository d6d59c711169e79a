/**
 * Chooses which training paintings form each optimisation step, from a seeded Rng.
 * - random triplets (the reference): [anchors…, positives…, negatives…]
 * - P×K batches for batch-hard / batch-all mining: P artists, K paintings each
 * - random pairs for the contrastive loss, half same-artist (label 0), half different (label 1)
 */
import { Rng } from '../src/util/random.js';

export type StepBatch =
  | { kind: 'triplets'; indices: number[]; count: number }
  | { kind: 'pk'; indices: number[]; labels: Int32Array }
  | { kind: 'pairs'; indices: number[]; labels: Float32Array; count: number };

export class BatchSampler {
  private readonly byArtist: number[][];
  private readonly artistOf: Int32Array;
  private readonly eligibleAnchors: number[];

  /** `artistIds[i]` is the artist (0..A−1) of training item i. */
  constructor(artistIds: ArrayLike<number>) {
    this.artistOf = Int32Array.from(artistIds);
    const groups = new Map<number, number[]>();
    this.artistOf.forEach((a, i) => {
      const g = groups.get(a);
      if (g) g.push(i);
      else groups.set(a, [i]);
    });
    this.byArtist = [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
    if (this.byArtist.length < 2) throw new RangeError('training needs paintings by at least two artists');
    this.eligibleAnchors = this.byArtist.filter((g) => g.length >= 2).flat();
    if (this.eligibleAnchors.length === 0) throw new RangeError('training needs an artist with at least two paintings');
  }

  get size(): number {
    return this.artistOf.length;
  }

  private otherArtistItem(artist: number, rng: Rng): number {
    let a = rng.int(this.byArtist.length);
    while (a === artist) a = rng.int(this.byArtist.length);
    const g = this.byArtist[a];
    return g[rng.int(g.length)];
  }

  private positiveOf(anchor: number, rng: Rng): number {
    const g = this.byArtist[this.artistOf[anchor]];
    let p = g[rng.int(g.length)];
    while (p === anchor) p = g[rng.int(g.length)];
    return p;
  }

  triplets(count: number, rng: Rng): StepBatch {
    const a: number[] = [];
    const p: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < count; i++) {
      const anchor = this.eligibleAnchors[rng.int(this.eligibleAnchors.length)];
      a.push(anchor);
      p.push(this.positiveOf(anchor, rng));
      n.push(this.otherArtistItem(this.artistOf[anchor], rng));
    }
    return { kind: 'triplets', indices: [...a, ...p, ...n], count };
  }

  /** P artists × K paintings; artists with fewer than K paintings are drawn with repetition. */
  pk(artists: number, perArtist: number, rng: Rng): StepBatch {
    const candidates = this.byArtist.map((g, i) => i).filter((i) => this.byArtist[i].length >= 2);
    const chosen = rng.sample(candidates, Math.min(artists, candidates.length));
    const indices: number[] = [];
    const labels: number[] = [];
    for (const a of chosen) {
      const g = this.byArtist[a];
      const picks = g.length >= perArtist ? rng.sample(g, perArtist) : Array.from({ length: perArtist }, (_, k) => g[k % g.length]);
      for (const i of picks) {
        indices.push(i);
        labels.push(a);
      }
    }
    return { kind: 'pk', indices, labels: Int32Array.from(labels) };
  }

  pairs(count: number, rng: Rng): StepBatch {
    const a: number[] = [];
    const b: number[] = [];
    const labels = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const anchor = this.eligibleAnchors[rng.int(this.eligibleAnchors.length)];
      a.push(anchor);
      const same = i % 2 === 0;
      b.push(same ? this.positiveOf(anchor, rng) : this.otherArtistItem(this.artistOf[anchor], rng));
      labels[i] = same ? 0 : 1;
    }
    return { kind: 'pairs', indices: [...a, ...b], labels, count };
  }
}
