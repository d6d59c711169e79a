/**
 * CPU time spent by a process (all its threads, user + system), to say what a request costs in
 * CPU and not only in wall time: on a machine whose cores the encoder already fills, every
 * millisecond of CPU outside it is throughput lost.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node supports

/** CPU seconds of a process from /proc (Linux), or null where that is not available. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** This process's CPU seconds (the load generator's, when it runs here). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds of `pid` and of this process over a span: `stop` returns both. */
export function cpuSpan(pid: number): { stop(): { process: number | null; self: number } } {
  const p0 = processCpuSeconds(pid);
  const s0 = ownCpuSeconds();
  return {
    stop: () => {
      const p1 = processCpuSeconds(pid);
      return { process: p0 === null || p1 === null ? null : p1 - p0, self: ownCpuSeconds() - s0 };
    },
  };
}
