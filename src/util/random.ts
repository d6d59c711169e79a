/**
 * Seeded pseudo-random numbers. Splits, mining, augmentation and evaluation sampling all draw from
 * this so that a run is reproducible from its seed and resumable from a saved state.
 * mulberry32: tiny, fast, 32-bit state that fits in a checkpoint as one integer.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A derived generator, independent of this one's future draws (e.g. one per epoch). */
  static derive(seed: number, ...salt: number[]): Rng {
    let h = seed >>> 0;
    for (const s of salt) h = Math.imul(h ^ (s >>> 0), 0x9e3779b1) ^ (h >>> 15);
    return new Rng(h);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  /** Fisher–Yates shuffle, in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** k distinct items drawn without replacement (k ≤ length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items.slice()).slice(0, k);
  }

  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state >>> 0;
  }
}
