import { describe, expect, it } from 'vitest';
import { cpuSpan, processCpuSeconds } from '../../bench/lib/cpu.js';

describe.runIf(process.platform === 'linux')('process CPU accounting', () => {
  it('counts the CPU a process burns, and knows no CPU of a process that does not exist', () => {
    const span = cpuSpan(process.pid);
    const until = performance.now() + 150;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const used = span.stop();
    expect(x).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks; a 150 ms busy loop shows at least 100 ms of it.
    expect(used.process).toBeGreaterThanOrEqual(0.1);
    expect(used.self).toBeGreaterThanOrEqual(0.1);
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
