/**
 * Is memory flat? A least-squares line through RSS samples taken after a settling point: its slope
 * (MB per minute) and the growth it implies over the window, next to the spread of the samples.
 * A step (an index swapped in, a pool warming up) before the window does not count as a leak;
 * a steady climb inside it does.
 */
export interface RssSample {
  /** Seconds since sampling started. */
  t: number;
  mb: number;
}

export interface MemoryTrend {
  samples: number;
  fromSeconds: number;
  toSeconds: number;
  minMb: number;
  maxMb: number;
  slopeMbPerMinute: number;
  /** slope × window length: what the line says was gained over the window. */
  trendGrowthMb: number;
}

export function memoryTrend(samples: readonly RssSample[], fromSeconds: number): MemoryTrend | null {
  const w = samples.filter((s) => s.t >= fromSeconds);
  if (w.length < 3) return null;
  const n = w.length;
  const mt = w.reduce((a, s) => a + s.t, 0) / n;
  const mm = w.reduce((a, s) => a + s.mb, 0) / n;
  let cov = 0;
  let vt = 0;
  for (const s of w) {
    cov += (s.t - mt) * (s.mb - mm);
    vt += (s.t - mt) ** 2;
  }
  const slope = vt > 0 ? cov / vt : 0; // MB per second
  const from = w[0].t;
  const to = w[n - 1].t;
  return {
    samples: n,
    fromSeconds: from,
    toSeconds: to,
    minMb: Math.min(...w.map((s) => s.mb)),
    maxMb: Math.max(...w.map((s) => s.mb)),
    slopeMbPerMinute: slope * 60,
    trendGrowthMb: slope * (to - from),
  };
}

/** One line of block characters: RSS over time, for a console report. */
export function sparkline(values: readonly number[], width = 60): string {
  if (values.length === 0) return '';
  const blocks = '▁▂▃▄▅▆▇█';
  const step = Math.max(1, values.length / width);
  const picked: number[] = [];
  for (let i = 0; i < values.length && picked.length < width; i += step) picked.push(values[Math.floor(i)]);
  const lo = Math.min(...picked);
  const hi = Math.max(...picked);
  return picked.map((v) => blocks[hi > lo ? Math.round(((v - lo) / (hi - lo)) * (blocks.length - 1)) : 0]).join('');
}
