/** Resident memory of this process or a child, and a sampler that keeps the peak during a run. */
import { readFileSync } from 'node:fs';

/** VmRSS of a process in bytes (Linux /proc), or null once it has exited. */
export function rssBytes(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Samples a process's RSS on an interval; `stop` returns the samples seen (bytes). */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
    // Sampling must never keep the benchmark alive on its own.
    this.timer.unref();
  }

  private take(): void {
    const rss = rssBytes(this.pid);
    if (rss !== null) this.samples.push(rss);
  }

  stop(): { peak: number | null; min: number | null; last: number | null; samples: number } {
    clearInterval(this.timer);
    this.take();
    const s = this.samples;
    return { peak: s.length ? Math.max(...s) : null, min: s.length ? Math.min(...s) : null, last: s.at(-1) ?? null, samples: s.length };
  }
}

export const MB = 1e6;
