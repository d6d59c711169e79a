/**
 * The pairs and triplets an evaluation is computed over, drawn from labelled items with a seed so
 * that two models evaluated on the same split see exactly the same pairs.
 */
import { Rng } from '../util/random.js';

export interface LabelledItem {
  artist: string;
  style?: string | null;
}

export type Pair = [number, number];

function groupByArtist(items: readonly LabelledItem[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const g = groups.get(item.artist);
    if (g) g.push(i);
    else groups.set(item.artist, [i]);
  });
  return groups;
}

/** Every unordered pair of two paintings by the same artist. */
export function sameArtistPairs(items: readonly LabelledItem[]): Pair[] {
  const pairs: Pair[] = [];
  for (const members of groupByArtist(items).values()) {
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) pairs.push([members[a], members[b]]);
    }
  }
  return pairs;
}

/**
 * Up to `count` distinct different-artist pairs, uniformly at random; with `sameStyle`, only pairs
 * whose two artists share a known style (the hard case: style alone cannot separate them).
 */
export function differentArtistPairs(
  items: readonly LabelledItem[],
  count: number,
  rng: Rng,
  sameStyle = false,
): Pair[] {
  const n = items.length;
  const eligible = (i: number, j: number): boolean =>
    items[i].artist !== items[j].artist && (!sameStyle || (!!items[i].style && items[i].style === items[j].style));

  // Upper bound on how many exist, so a request for more than exist terminates.
  let available = 0;
  if (sameStyle) {
    const byStyle = new Map<string, Map<string, number>>();
    for (const it of items) {
      if (!it.style) continue;
      const m = byStyle.get(it.style) ?? new Map<string, number>();
      m.set(it.artist, (m.get(it.artist) ?? 0) + 1);
      byStyle.set(it.style, m);
    }
    for (const m of byStyle.values()) {
      let total = 0;
      let sq = 0;
      for (const c of m.values()) {
        total += c;
        sq += c * c;
      }
      available += (total * total - sq) / 2;
    }
  } else {
    let sq = 0;
    for (const g of groupByArtist(items).values()) sq += g.length * g.length;
    available = (n * n - sq) / 2;
  }
  const target = Math.min(count, available);
  const seen = new Set<number>();
  const pairs: Pair[] = [];

  if (target > available / 4) {
    // Dense request: enumerate and sample without replacement.
    const all: Pair[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (eligible(i, j)) all.push([i, j]);
    return rng.sample(all, target);
  }
  // Sparse request: rejection sampling is fast and unbiased.
  const pool = sameStyle ? items.map((_, i) => i).filter((i) => !!items[i].style) : items.map((_, i) => i);
  while (pairs.length < target) {
    let i = pool[rng.int(pool.length)];
    let j = pool[rng.int(pool.length)];
    if (i === j || !eligible(i, j)) continue;
    if (i > j) [i, j] = [j, i];
    const key = i * n + j;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([i, j]);
  }
  return pairs;
}

/** Random (anchor, positive, negative) index triplets, as the reference's triplet accuracy uses. */
export function randomTriplets(items: readonly LabelledItem[], count: number, rng: Rng): [number, number, number][] {
  const groups = groupByArtist(items);
  const anchors = items.map((_, i) => i).filter((i) => groups.get(items[i].artist)!.length >= 2);
  if (anchors.length === 0 || groups.size < 2) return [];
  const triplets: [number, number, number][] = [];
  while (triplets.length < count) {
    const a = anchors[rng.int(anchors.length)];
    const members = groups.get(items[a].artist)!;
    let p = members[rng.int(members.length)];
    while (p === a) p = members[rng.int(members.length)];
    let n = rng.int(items.length);
    while (items[n].artist === items[a].artist) n = rng.int(items.length);
    triplets.push([a, p, n]);
  }
  return triplets;
}
