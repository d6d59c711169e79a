/**
 * The server's Prometheus metrics (prom-client), in one registry built once per process and passed
 * in: HTTP requests by route pattern and status, what the core reports through its Instruments
 * (encoder batches, the micro-batch queue, the decode pool), and gauges read when scraped (the
 * serving index, jobs), plus database errors and Node's default process metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Instruments } from '../../src/instruments.js';
import type { IndexStatus, Job } from '../services.js';

/** What the scrape-time gauges read: the server's contract, never the core's internals. */
export interface MetricSources {
  indexStatus(): Promise<IndexStatus>;
  jobs(): Promise<Job[]>;
}

export interface ServerMetrics {
  registry: Registry;
  /** For the core: encoder batches, queue depth, decode load. */
  instruments: Instruments;
  /** One finished HTTP request. */
  request(method: string, route: string, status: number, seconds: number): void;
  databaseError(kind: 'unavailable' | 'query'): void;
  /** Where the scrape-time gauges read from; until set they report nothing. */
  observe(sources: MetricSources): void;
  contentType: string;
  render(): Promise<string>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'painter_' });
  let sources: MetricSources | null = null;

  const requests = new Counter({ name: 'painter_http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'painter_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const batchSize = new Histogram({ name: 'painter_encoder_batch_size', help: 'Images per encoder batch', labelNames: ['runtime'], buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64], registers: [registry] });
  const batchSeconds = new Histogram({ name: 'painter_encoder_batch_duration_seconds', help: 'Time one encoder batch took', labelNames: ['runtime'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const queueDepth = new Gauge({ name: 'painter_encoder_queue_depth', help: 'Decoded images waiting for an encoder batch', registers: [registry] });
  const decoding = new Gauge({ name: 'painter_decode_in_flight', help: 'Images being decoded by the decode worker pool', registers: [registry] });
  const dbErrors = new Counter({ name: 'painter_database_errors_total', help: 'Database errors seen while answering (unavailable: unreachable; query: a failed statement)', labelNames: ['kind'], registers: [registry] });

  new Gauge({
    name: 'painter_index_elements',
    help: 'Paintings in the serving index (absent while none is loaded)',
    registers: [registry],
    async collect() {
      this.reset();
      const s = await sources?.indexStatus().catch(() => null);
      if (s?.serving) this.set(s.serving.elementCount);
    },
  });
  new Gauge({
    name: 'painter_index_build_seconds',
    help: 'How long the serving index took to build',
    registers: [registry],
    async collect() {
      this.reset();
      const s = await sources?.indexStatus().catch(() => null);
      if (s?.serving?.buildSeconds != null) this.set(s.serving.buildSeconds);
    },
  });
  new Gauge({
    name: 'painter_index_serving_info',
    help: 'The serving index build and its model version (value 1)',
    labelNames: ['index_id', 'model_version'],
    registers: [registry],
    async collect() {
      this.reset();
      const s = await sources?.indexStatus().catch(() => null);
      if (s?.serving) this.set({ index_id: String(s.serving.id), model_version: String(s.serving.modelVersion) }, 1);
    },
  });
  new Gauge({
    name: 'painter_jobs',
    help: 'Jobs by kind and status',
    labelNames: ['kind', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const j of (await sources?.jobs().catch(() => [])) ?? []) this.inc({ kind: j.kind, status: j.status });
    },
  });
  new Gauge({
    name: 'painter_job_progress_ratio',
    help: 'Progress (done / total) of each running job',
    labelNames: ['job_id', 'kind', 'phase'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const j of (await sources?.jobs().catch(() => [])) ?? []) {
        if (j.status !== 'running' && j.status !== 'queued') continue;
        this.set({ job_id: j.id, kind: j.kind, phase: j.phase }, j.progress.total > 0 ? j.progress.done / j.progress.total : 0);
      }
    },
  });
  const jobSeconds = new Histogram({
    name: 'painter_job_duration_seconds',
    help: 'Duration of finished jobs (index builds, training, evaluation) by kind and outcome',
    labelNames: ['kind', 'status'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200],
    registers: [registry],
  });
  // Finished jobs are counted once each, the first time a scrape sees them finished.
  const counted = new Set<string>();
  new Gauge({
    name: 'painter_jobs_observed',
    help: 'Finished jobs whose duration has been recorded',
    registers: [registry],
    async collect() {
      for (const j of (await sources?.jobs().catch(() => [])) ?? []) {
        if ((j.status !== 'succeeded' && j.status !== 'failed') || counted.has(j.id) || !j.startedAt || !j.finishedAt) continue;
        counted.add(j.id);
        jobSeconds.observe({ kind: j.kind, status: j.status }, (Date.parse(j.finishedAt) - Date.parse(j.startedAt)) / 1000);
      }
      this.set(counted.size);
    },
  });

  return {
    registry,
    instruments: {
      encoderBatch: (runtime, size, seconds) => {
        batchSize.observe({ runtime }, size);
        batchSeconds.observe({ runtime }, seconds);
      },
      batchQueue: (delta) => queueDepth.inc(delta),
      decoding: (delta) => decoding.inc(delta),
    },
    request: (method, route, status, seconds) => {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    databaseError: (kind) => dbErrors.inc({ kind }),
    observe: (s) => {
      sources = s;
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
