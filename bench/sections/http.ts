/**
 * Section `http`: the server end to end on loopback, as clients use it — `painter serve` in a
 * child process, autocannon sending nearest-artist queries with real painting uploads and
 * verifications of two corpus paintings by id, each at concurrency 1 and 8, bounded in count and
 * time. Reports latency quantiles, throughput, errors and the server's peak resident memory.
 */
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Rng } from '../../src/util/random.js';
import { loadConfig } from '../../src/config.js';
import { loadEncoder } from '../../src/encoders/load-encoder.js';
import { DecodePool } from '../../src/inference/decode-pool.js';
import { cpuSpan } from '../lib/cpu.js';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/load.js';
import { MB, RssSampler } from '../lib/memory.js';
import { getJson, listPaintingIds, multipart, startPreparedServer, type ServerProcess } from '../lib/server.js';
import { ratio } from '../lib/stats.js';
import type { BenchContext, BenchResult, BenchSection, TableRow, TargetCheck } from '../lib/types.js';

const CONCURRENCY = [1, 8];
const UPLOADS = 24;
const PAIRS = 64;
const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

interface Workload {
  name: string;
  label: string;
  requests: LoadRequest[];
  /** Request count and time bound per concurrency, full and quick. */
  bounds: Record<number, { amount: number; seconds: number }>;
}

interface RunReport extends LoadResult {
  workload: string;
  serverRss: { peakBytes: number | null; minBytes: number | null };
  /** CPU milliseconds per response: the server's (all threads) and the load generator's. */
  cpuMsPerRequest: { server: number | null; loadGenerator: number };
  /** Cores the server kept busy on average. */
  serverCores: number | null;
}

interface InProcessRun {
  images: number;
  inFlight: number;
  imagesPerSecond: number;
  cpuMsPerImage: number;
}

/**
 * The uploads of the c8 run decoded and encoded in this process by the served model, 8 at a
 * time, with the server stopped: the same work without HTTP, multipart, search and JSON.
 */
async function inProcessPipeline(dataDir: string, modelVersion: number, images: Upload[], count: number, inFlight: number): Promise<InProcessRun | null> {
  const cfg = loadConfig({ ...process.env, PAINTER_DATA_DIR: dataDir });
  const decodePool = await DecodePool.start(cfg.decodeWorkers);
  try {
    const encoder = await loadEncoder(join(cfg.modelsDir, `v${modelVersion}`), {
      cacheDir: cfg.cacheDir,
      inference: { runtime: 'onnx', decodePool: async () => decodePool, sessions: cfg.inferenceSessions, threads: cfg.inferenceThreads, maxBatch: cfg.maxBatch, windowMs: cfg.batchWindowMs },
    }).catch(() => null);
    if (!encoder?.embedBytes) return null;
    const buffers = images.map((i) => Buffer.from(i.bytes));
    for (const b of buffers.slice(0, 4)) await encoder.embedBytes(b, 'warm-up');
    let next = 0;
    const cpu = cpuSpan(process.pid);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) {
          const i = next++;
          await encoder.embedBytes!(buffers[i % buffers.length], images[i % images.length].name);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = cpu.stop().self;
    encoder.dispose();
    return { images: count, inFlight, imagesPerSecond: count / seconds, cpuMsPerImage: (1000 * used) / count };
  } finally {
    await decodePool.close();
  }
}

interface Upload {
  bytes: Uint8Array;
  type: string;
  name: string;
}

/** Images of the served corpus, fetched as any client could; or files of --dataset. */
async function uploads(ctx: BenchContext, url: string, ids: number[], rng: Rng): Promise<Upload[]> {
  if (ctx.dataset) {
    const files = (await readdir(ctx.dataset, { recursive: true })).filter((f) => IMAGE_TYPES[extname(f).toLowerCase()]).sort();
    if (files.length === 0) throw new Error(`no .jpg/.png/.webp images under ${ctx.dataset}`);
    const chosen = rng.sample(files, Math.min(UPLOADS, files.length));
    return Promise.all(chosen.map(async (f) => ({ bytes: await readFile(join(ctx.dataset!, f)), type: IMAGE_TYPES[extname(f).toLowerCase()], name: f })));
  }
  return Promise.all(
    rng.sample(ids, Math.min(UPLOADS, ids.length)).map(async (id) => {
      const res = await fetch(`${url}/api/paintings/${id}/image`);
      if (!res.ok) throw new Error(`GET /api/paintings/${id}/image answered ${res.status}`);
      const type = res.headers.get('content-type')?.split(';')[0] ?? 'image/jpeg';
      return { bytes: new Uint8Array(await res.arrayBuffer()), type, name: `painting-${id}${type === 'image/png' ? '.png' : '.jpg'}` };
    }),
  );
}

function workloads(ctx: BenchContext, images: Upload[], ids: number[], rng: Rng): Workload[] {
  const nearest: LoadRequest[] = images.map((img) => {
    const form = multipart('image', img.bytes, img.name, img.type);
    return { method: 'POST', path: '/api/artists/nearest?k=5', headers: { 'content-type': form.contentType }, body: form.body };
  });
  const verify: LoadRequest[] = Array.from({ length: PAIRS }, () => {
    const [a, b] = rng.sample(ids, 2);
    return { method: 'POST', path: '/api/verify', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a, b }) };
  });
  const q = ctx.quick;
  return [
    {
      name: 'nearest-upload',
      label: 'POST /api/artists/nearest (upload)',
      requests: nearest,
      bounds: { 1: q ? { amount: 20, seconds: 15 } : { amount: 150, seconds: 60 }, 8: q ? { amount: 48, seconds: 15 } : { amount: 480, seconds: 90 } },
    },
    {
      name: 'verify-ids',
      label: 'POST /api/verify (two ids)',
      requests: verify,
      bounds: { 1: q ? { amount: 100, seconds: 10 } : { amount: 1000, seconds: 30 }, 8: q ? { amount: 400, seconds: 10 } : { amount: 4000, seconds: 45 } },
    },
  ];
}

async function waitReady(url: string, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz still answers ${status} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A few sequential requests of each kind first: the first upload loads the encoder. */
async function warmUp(url: string, all: Workload[]): Promise<void> {
  for (const w of all) {
    for (const r of w.requests.slice(0, 3)) {
      const res = await fetch(url + r.path, { method: r.method, headers: r.headers, body: r.body === undefined ? undefined : new Uint8Array(Buffer.from(r.body)) });
      if (!res.ok) throw new Error(`warm-up ${r.method} ${r.path} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    }
  }
}

export const httpSection: BenchSection = {
  name: 'http',
  description: 'end to end over HTTP on loopback (autocannon): nearest artists by upload and verification by id, concurrency 1 and 8',
  async run(ctx): Promise<BenchResult> {
    const dataDir = ctx.dataDirGiven ? ctx.dataDir : join(ctx.tmpDir, 'http-data');
    ctx.log(ctx.dataDirGiven ? `serving ${dataDir}` : `serving the demo corpus from ${dataDir} (prepared on first start, about a minute)`);
    const server: ServerProcess = await startPreparedServer({ dataDir });
    const runs: RunReport[] = [];
    const overall = new RssSampler(server.pid, 500);
    try {
      await waitReady(server.url);
      const rng = new Rng(ctx.seed);
      const ids = await listPaintingIds(server.url);
      if (ids.length < 2) throw new Error(`the server lists ${ids.length} paintings; at least 2 are needed`);
      const images = await uploads(ctx, server.url, ids, rng);
      const all = workloads(ctx, images, ids, rng);
      await warmUp(server.url, all);
      const idleRss = overall.stop().last;
      const index = (await getJson(`${server.url}/api/index`)).body?.serving ?? null;
      const servedPreset = index ? ((await getJson(`${server.url}/api/models/${index.modelVersion}`).catch(() => null))?.body?.preset as string | undefined) : undefined;

      const peak = new RssSampler(server.pid, 200);
      for (const w of all) {
        for (const connections of CONCURRENCY) {
          const { amount, seconds } = w.bounds[connections];
          const bar = ctx.progress(`${w.name} c${connections}`, amount);
          const sampler = new RssSampler(server.pid, 200);
          const cpu = cpuSpan(server.pid);
          const result = await runLoad({ url: server.url, requests: w.requests, connections, amount, maxSeconds: seconds, onResponse: (n) => bar.update(n) });
          const used = cpu.stop();
          const rss = sampler.stop();
          bar.stop();
          const perResponse = (s: number) => (1000 * s) / Math.max(1, result.responses);
          runs.push({
            ...result,
            workload: w.name,
            serverRss: { peakBytes: rss.peak, minBytes: rss.min },
            cpuMsPerRequest: { server: used.process === null ? null : perResponse(used.process), loadGenerator: perResponse(used.self) },
            serverCores: used.process === null ? null : used.process / result.seconds,
          });
        }
      }
      const serverPeak = peak.stop().peak;
      const exitCode = await server.stop();
      const find = (w: string, c: number) => runs.find((r) => r.workload === w && r.connections === c);
      const nearestC8 = find('nearest-upload', 8)!;
      ctx.log('the same uploads decoded and encoded in this process, the server stopped');
      const inProcess = index ? await inProcessPipeline(dataDir, index.modelVersion, images, Math.max(nearestC8.responses, 48), 8) : null;

      const rows: TableRow[] = all.flatMap((w) =>
        CONCURRENCY.map((c) => {
          const r = find(w.name, c)!;
          const single = find(w.name, 1);
          return {
            label: `${w.label}, c${c}`,
            metrics: {
              requests: r.responses,
              'median ms': r.latencyMs.median,
              'p95 ms': r.latencyMs.p95,
              'p99 ms': r.latencyMs.p99,
              'req/s': r.requestsPerSecond,
              errors: r.errors + r.non2xx,
              'server peak RSS MB': r.serverRss.peakBytes === null ? null : r.serverRss.peakBytes / MB,
              'server CPU ms/req': r.cpuMsPerRequest.server,
              'server cores': r.serverCores,
              'client CPU ms/req': r.cpuMsPerRequest.loadGenerator,
            },
            ratios: { 'req/s vs c1': ratio(r.requestsPerSecond, single?.requestsPerSecond) },
          };
        }),
      );
      if (inProcess) {
        rows.push({
          label: `the same uploads decoded + encoded in-process (no HTTP, no search), ${inProcess.inFlight} in flight`,
          metrics: {
            requests: inProcess.images,
            'median ms': null,
            'p95 ms': null,
            'p99 ms': null,
            'req/s': inProcess.imagesPerSecond,
            errors: 0,
            'server peak RSS MB': null,
            'server CPU ms/req': inProcess.cpuMsPerImage,
            'server cores': (inProcess.imagesPerSecond * inProcess.cpuMsPerImage) / 1000,
            'client CPU ms/req': null,
          },
          ratios: { 'req/s vs c1': null },
        });
      }
      const failures = runs.reduce((s, r) => s + r.errors + r.non2xx, 0);
      // The served model's raw batched encoder throughput, measured by the encoder section in this run.
      const encoderRaw = ctx.results.get('encoder')?.raw as
        | { batchedOnnxImagesPerSecond?: Record<string, number>; bestOnnxLayout?: Record<string, { sessions: number; threads: number; batch: number }> }
        | undefined;
      const rawEncoder = servedPreset ? encoderRaw?.batchedOnnxImagesPerSecond?.[servedPreset] : undefined;
      const layout = servedPreset ? encoderRaw?.bestOnnxLayout?.[servedPreset] : undefined;
      const serverShare = ratio(nearestC8.requestsPerSecond, rawEncoder);
      const cores = availableParallelism();
      // What the encoder alone costs per image when it fills every core, against what a request costs.
      const encoderCpuMs = rawEncoder ? (1000 * cores) / rawEncoder : null;
      const serverCpuMs = nearestC8.cpuMsPerRequest.server;
      const budget =
        encoderCpuMs !== null && serverCpuMs !== null
          ? `CPU per upload at c8: ${serverCpuMs.toFixed(1)} ms in the server (the encoder alone needs ${encoderCpuMs.toFixed(1)} ms per image at its raw rate on ${cores} cores), ` +
            `${nearestC8.cpuMsPerRequest.loadGenerator.toFixed(1)} ms in the load generator: ${cores} cores allow at most ` +
            `${((1000 * cores) / (serverCpuMs + nearestC8.cpuMsPerRequest.loadGenerator)).toFixed(0)} req/s, ` +
            `${((100 * cores * 1000) / (serverCpuMs + nearestC8.cpuMsPerRequest.loadGenerator) / rawEncoder!).toFixed(0)}% of the raw encoder.`
          : null;
      const targets: TargetCheck[] = [
        {
          target: 'nearest-artist uploads at concurrency 8 ≥ 80% of the raw batched encoder throughput',
          measured:
            serverShare === null
              ? 'no encoder figure in this run (run the encoder section too)'
              : `${nearestC8.requestsPerSecond.toFixed(1)} req/s ÷ ${rawEncoder!.toFixed(1)} images/s (${servedPreset}, ONNX${layout ? `, ${layout.sessions} session(s) × ${layout.threads} thread(s), batch ${layout.batch}` : ''}) = ${(100 * serverShare).toFixed(0)}%`,
          pass: serverShare === null ? null : serverShare >= 0.8,
        },
        {
          target: 'zero errors under the load runs',
          measured: `${failures} of ${runs.reduce((s, r) => s + r.responses + r.errors, 0).toLocaleString('en-US')} requests`,
          pass: failures === 0,
        },
      ];
      return {
        tables: [
          {
            title: `End to end over HTTP on loopback: ${index ? `${index.elementCount} paintings indexed, model v${index.modelVersion}` : 'served corpus'}; ${images.length} distinct uploads, ${PAIRS} id pairs`,
            rows,
            notes: [
              `bounded runs: ${all.map((w) => CONCURRENCY.map((c) => `${w.name} c${c} ≤ ${w.bounds[c].amount} requests / ${w.bounds[c].seconds} s`).join(', ')).join('; ')}.`,
              `server RSS: ${idleRss === null ? '–' : (idleRss / MB).toFixed(0)} MB after warm-up, peak ${serverPeak === null ? '–' : (serverPeak / MB).toFixed(0)} MB over all runs; exit code ${exitCode} on SIGTERM.`,
              ...(inProcess ? [`uploads at c8 ÷ the same uploads decoded and encoded in-process: ${(100 * nearestC8.requestsPerSecond / inProcess.imagesPerSecond).toFixed(0)}%.`] : []),
              ...(budget ? [budget] : []),
            ],
          },
        ],
        targets,
        raw: {
          dataDir: ctx.dataDirGiven ? dataDir : '(temporary demo corpus)',
          index,
          uploads: images.map((i) => ({ name: i.name, bytes: i.bytes.byteLength, type: i.type })),
          serverRssBytes: { afterWarmUp: idleRss, peak: serverPeak },
          // For the encoder section's "server throughput at concurrency 8 ÷ raw batched encoder throughput".
          nearestUploadRequestsPerSecondAtC8: nearestC8.requestsPerSecond,
          servedPreset,
          serverShareOfRawEncoder: serverShare,
          rawEncoderLayout: layout ?? null,
          inProcess,
          cpuBudget: { encoderCpuMsPerImage: encoderCpuMs, serverCpuMsPerUploadAtC8: serverCpuMs, loadGeneratorCpuMsPerUploadAtC8: nearestC8.cpuMsPerRequest.loadGenerator },
          runs,
          serverExitCode: exitCode,
        },
      };
    } finally {
      overall.stop();
      await server.stop();
    }
  },
};
