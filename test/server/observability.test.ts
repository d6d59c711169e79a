/**
 * Metrics and logs: /metrics is Prometheus text and moves after a request (by route pattern,
 * never the raw URL); the core's instruments land in it; every request gets a log line with its
 * id (given or generated, returned in x-request-id), method, route, status and latency; keys,
 * Authorization headers and upload bytes never reach a log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/observability/logging.js';
import { createMetrics } from '../../server/observability/metrics.js';
import { form, KEY, startTestServer, type TestServer } from './helpers.js';

// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.]+(e[-+]?[0-9]+)?|nan|[-+]inf)$/i;

/** Parses the text exposition format strictly enough to catch a malformed line. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(SAMPLE_LINE);
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  json() {
    return this.lines.map((l) => JSON.parse(l) as Record<string, any>);
  }
}

describe('metrics', () => {
  const metrics = createMetrics();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, undefined, { metrics });
  });
  afterAll(() => t.close());

  const scrape = async () => parsePrometheus((await t.call('/metrics', { headers: { 'x-api-key': KEY } })).body);

  it('is Prometheus text with the process metrics, and counts requests by route pattern and status', async () => {
    const before = await scrape();
    expect(before.get('painter_process_cpu_seconds_total')).toBeGreaterThan(0);
    const key = 'painter_http_requests_total{method="GET",route="/api/paintings/:id",status="200"}';
    const count = before.get(key) ?? 0;
    expect((await t.call('/api/paintings/7')).status).toBe(200);
    expect((await t.call('/api/paintings/8')).status).toBe(200);
    await t.call('/api/no/such/thing');
    const after = await scrape();
    expect(after.get(key)).toBe(count + 2);
    expect(after.get('painter_http_request_duration_seconds_count{method="GET",route="/api/paintings/:id",status="200"}')).toBe(count + 2);
    expect(after.get('painter_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect([...after.keys()].some((k) => k.includes('/api/paintings/7'))).toBe(false);
  });

  it('shows the serving index and the jobs as the services report them', async () => {
    const m = await scrape();
    expect(m.get('painter_index_elements')).toBe(60);
    expect(m.get('painter_index_build_seconds')).toBe(3.2);
    expect(m.get('painter_jobs{kind="index",status="queued"}')).toBe(1);
    expect(m.get('painter_job_progress_ratio{job_id="job-1",kind="index",phase="queued"}')).toBe(0);
  });

  it('records what the core reports through its instruments', async () => {
    metrics.instruments.encoderBatch('onnx', 4, 0.02);
    metrics.instruments.encoderBatch('onnx', 1, 0.004);
    metrics.instruments.batchQueue(3);
    metrics.instruments.batchQueue(-1);
    metrics.instruments.decoding(2);
    const m = await scrape();
    expect(m.get('painter_encoder_batch_size_count{runtime="onnx"}')).toBe(2);
    expect(m.get('painter_encoder_batch_size_sum{runtime="onnx"}')).toBe(5);
    expect(m.get('painter_encoder_batch_duration_seconds_bucket{le="0.025",runtime="onnx"}')).toBe(2);
    expect(m.get('painter_encoder_queue_depth')).toBe(2);
    expect(m.get('painter_decode_in_flight')).toBe(2);
  });

  it('counts database failures that reach a request', async () => {
    const { PainterError } = await import('../../src/errors.js');
    t.services.models.list.mockRejectedValueOnce(new PainterError('DATABASE_UNAVAILABLE'));
    expect((await t.call('/api/models')).status).toBe(503);
    expect((await scrape()).get('painter_database_errors_total{kind="unavailable"}')).toBe(1);
  });
});

describe('request logs', () => {
  const out = new Lines();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, undefined, { logger: createLogger({ logFormat: 'json', logLevel: 'info' }, out) });
  });
  afterAll(() => t.close());

  const lineOf = async (id: string) => {
    // The line is written when the response finishes, which may be just after the client has it.
    for (let i = 0; i < 50 && !out.json().some((l) => l.requestId === id); i++) await new Promise((r) => setTimeout(r, 10));
    return out.json().find((l) => l.requestId === id);
  };

  it('writes one JSON line per request with its id, method, route, status and latency, and returns the id', async () => {
    const r = await fetch(`${t.base}/api/paintings/7`, { headers: { 'x-request-id': 'trace-42' } });
    expect(r.headers.get('x-request-id')).toBe('trace-42');
    const line = await lineOf('trace-42');
    expect(line).toMatchObject({ level: 30, requestId: 'trace-42', req: { method: 'GET', url: '/api/paintings/7' }, route: '/api/paintings/:id', res: { status: 200 } });
    expect(typeof line!.ms).toBe('number');
    expect(out.json().filter((l) => l.requestId === 'trace-42')).toHaveLength(1);
  });

  it('generates an id when none (or an unusable one) is given', async () => {
    const none = await fetch(`${t.base}/api/models`);
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lineOf(none.headers.get('x-request-id')!)).toMatchObject({ route: '/api/models' });
    const bad = await fetch(`${t.base}/api/models`, { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a client error at warn and a server error at error, with the route', async () => {
    await fetch(`${t.base}/api/paintings/abc`, { headers: { 'x-request-id': 'bad-id' } });
    expect(await lineOf('bad-id')).toMatchObject({ level: 40, route: '/api/paintings/:id', res: { status: 400 } });
  });

  it('never logs keys, Authorization headers or upload bytes', async () => {
    const secrets = ['admin-secret-0001', 'bearer-secret-0002', 'UPLOAD-BYTES-MARKER-0003'];
    await fetch(`${t.base}/api/paintings/7`, { headers: { 'x-api-key': secrets[0], 'x-request-id': 'r1' } });
    await fetch(`${t.base}/api/index/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${secrets[1]}`, 'x-request-id': 'r2' } });
    t.services.uploads.store.mockRejectedValueOnce(new Error(`boom with ${secrets[0]}`));
    await fetch(`${t.base}/api/uploads`, { method: 'POST', headers: { 'x-request-id': 'r3', 'x-api-key': secrets[0] }, body: form({ image: Buffer.from(secrets[2]) }) });
    for (const id of ['r1', 'r2', 'r3']) expect(await lineOf(id)).toBeDefined();
    const all = out.lines.join('\n');
    for (const s of secrets.slice(1)) expect(all).not.toContain(s);
    // The one place a key could appear is a message an error carried: that goes to the service log, not the request log.
    expect(out.json().filter((l) => l.requestId).map((l) => JSON.stringify(l)).join('\n')).not.toContain(secrets[0]);
  });
});
