import { describe, expect, it } from 'vitest';
import { cpuSpan, processCpuSeconds } from '../../bench/lib/cpu.js';

describe.runIf(process.platform === 'linux')('process CPU accounting', () => {
  it('counts the CPU a process burns, and knows no CPU of a process that does not exist', () => {
    const span = cpuSpan(process.pid);
    // 150 ms of this process's CPU, not of wall time: on a loaded machine a busy loop gets less.
    const start = process.cpuUsage();
    const burnt = () => {
      const u = process.cpuUsage(start);
      return (u.user + u.system) / 1e6;
    };
    let x = 0;
    while (burnt() < 0.15) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    const used = span.stop();
    expect(x).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks; 150 ms of busy loop shows at least 100 ms of it.
    expect(used.process).toBeGreaterThanOrEqual(0.1);
    expect(used.self).toBeGreaterThanOrEqual(0.1);
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
