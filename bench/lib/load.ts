/**
 * One bounded load run with autocannon: at most `amount` requests and at most `maxSeconds`,
 * whichever comes first, at a fixed number of connections. Latencies are kept per response so
 * any quantile can be taken (autocannon's own histogram has no p95).
 */
import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './stats.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface LoadOptions {
  url: string;
  /** Cycled through in order by every connection. */
  requests: LoadRequest[];
  connections: number;
  amount: number;
  maxSeconds: number;
  /** Per-request timeout; a timed-out request counts as an error. */
  timeoutSeconds?: number;
  onResponse?: (done: number) => void;
}

export interface LoadResult {
  connections: number;
  responses: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  stoppedByTime: boolean;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Throughput is counted up to the last response: autocannon ends a run only on its
    // one-second tick, which would add up to a second to a short run.
    let lastResponseAt = started;
    let stoppedByTime = false;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        amount: options.amount,
        timeout: options.timeoutSeconds ?? 60,
        requests: options.requests,
      },
      (err, result) => {
        clearTimeout(timer);
        if (err) return reject(err);
        const seconds = (lastResponseAt - started) / 1000;
        resolve({
          connections: options.connections,
          responses: latencies.length,
          seconds,
          requestsPerSecond: seconds > 0 ? latencies.length / seconds : 0,
          latencyMs: summarize(latencies),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCounts,
          stoppedByTime,
        });
      },
    );
    // autocannon ignores `duration` once `amount` is set: the time bound is ours.
    const timer = setTimeout(() => {
      stoppedByTime = true;
      instance.stop();
    }, options.maxSeconds * 1000);
    instance.on('response', (_client, status, _bytes, ms) => {
      lastResponseAt = performance.now();
      latencies.push(ms);
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      options.onResponse?.(latencies.length);
    });
  });
}
