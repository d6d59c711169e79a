/**
 * ROC AUC of scores streamed one at a time in constant memory: scores in [0, 1] are counted in
 * fine bins per class, and the AUC is P(positive > negative) + ½·P(tie) over the bins. With as
 * many bins as the scores have printed digits (10⁶ for six decimals) it is exactly the AUC of the
 * written submission, ties as written.
 */
export class BinnedAuc {
  private readonly positives: Float64Array;
  private readonly negatives: Float64Array;

  constructor(readonly bins = 1_000_000) {
    this.positives = new Float64Array(bins + 1);
    this.negatives = new Float64Array(bins + 1);
  }

  add(score: number, positive: boolean): void {
    const b = Math.min(this.bins, Math.max(0, Math.round(score * this.bins)));
    (positive ? this.positives : this.negatives)[b]++;
  }

  get counts(): { positives: number; negatives: number } {
    let p = 0;
    let n = 0;
    for (let b = 0; b <= this.bins; b++) {
      p += this.positives[b];
      n += this.negatives[b];
    }
    return { positives: p, negatives: n };
  }

  /** NaN without both classes. */
  auc(): number {
    let below = 0;
    let wins = 0;
    const { positives, negatives } = this.counts;
    if (positives === 0 || negatives === 0) return Number.NaN;
    for (let b = 0; b <= this.bins; b++) {
      wins += this.positives[b] * (below + 0.5 * this.negatives[b]);
      below += this.negatives[b];
    }
    return wins / (positives * negatives);
  }
}
