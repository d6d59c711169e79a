import { describe, expect, it } from 'vitest';
import { cpuSpan, ownCpuSeconds, processCpuSeconds } from '../../bench/lib/cpu.js';

describe.runIf(process.platform === 'linux')('process CPU accounting', () => {
  it('counts the CPU a process burns, and knows no CPU of a process that does not exist', () => {
    const span = cpuSpan(process.pid);
    // Busy until 150 ms of CPU are spent, however long that takes on a loaded machine (capped).
    const start = ownCpuSeconds();
    const cap = performance.now() + 20_000;
    let x = 0;
    while (ownCpuSeconds() - start < 0.15 && performance.now() < cap) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    const used = span.stop();
    expect(x).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks; 150 ms of CPU show as at least 100 ms of it.
    expect(used.process).toBeGreaterThanOrEqual(0.1);
    expect(used.self).toBeGreaterThanOrEqual(0.1);
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
