import { describe, expect, it } from 'vitest';
import { memoryTrend, sparkline } from '../../bench/lib/memory-trend.js';

const series = (f: (t: number) => number, seconds = 300) => Array.from({ length: seconds }, (_, t) => ({ t, mb: f(t) }));

describe('memoryTrend', () => {
  it('sees no climb in a series that steps up once and then stays level', () => {
    const trend = memoryTrend(series((t) => (t < 120 ? 800 : 950) + (t % 7) - 3), 130)!;
    expect(Math.abs(trend.slopeMbPerMinute)).toBeLessThan(1);
    expect(trend.minMb).toBeGreaterThanOrEqual(947);
    expect(trend.fromSeconds).toBe(130);
  });

  it('measures a steady climb in MB per minute and over the window', () => {
    const trend = memoryTrend(series((t) => 1000 + t / 2), 100)!; // 30 MB per minute
    expect(trend.slopeMbPerMinute).toBeCloseTo(30, 6);
    expect(trend.trendGrowthMb).toBeCloseTo(99.5, 6);
  });

  it('needs at least three samples after the start of the window', () => {
    expect(memoryTrend(series(() => 1), 298)).toBeNull();
  });
});

describe('sparkline', () => {
  it('draws low values low and high values high, at most `width` characters', () => {
    const line = sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8);
    expect(line).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline(Array.from({ length: 500 }, (_, i) => i), 40)).toHaveLength(40);
  });
});
