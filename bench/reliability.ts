/**
 * `npm run reliability`: the server as users run it (`painter serve`, a child process on the
 * embedded database with its demo corpus), put through faults, hostile input and load. Prints one
 * row per scenario: requests, errors, 5xx, p99, recovered, data lost; writes JSON beside it.
 *
 *   npm run reliability -- [--soak-seconds 300] [--concurrency 16] [--fuzz 1000]
 *
 * Scenarios that need a PostgreSQL server to stop (database outage) run in the test suite
 * (test/integration/database-outage.test.ts) against a proxy that is cut and restored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { fuzzRequests } from '../test/support/fuzz-inputs.js';
import { rssBytes } from './lib/memory.js';
import { memoryTrend, sparkline, type RssSample } from './lib/memory-trend.js';
import { getJson, listPaintingIds, multipart, painterCommand, serverEnv, startPreparedServer, startServer as startPainterServer, type ServerProcess } from './lib/server.js';
import { quantile } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    'soak-seconds': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    fuzz: { type: 'string', default: '1000' },
    out: { type: 'string', default: 'bench/results/reliability.json' },
  },
});

const KEY = 'reliability-key-' + Math.random().toString(36).slice(2);
const dir = mkdtempSync(join(tmpdir(), 'painter-reliability-'));

interface Row {
  scenario: string;
  requests: number;
  errors: number;
  fiveXX: number;
  p99Ms: number | null;
  recovered: boolean;
  dataLost: string;
  notes: string;
}
const rows: Row[] = [];
let soakMemory: unknown = null;

const startServer = (): Promise<ServerProcess> => startPainterServer({ dataDir: join(dir, 'data'), apiKeys: [KEY] });
const rssMb = (pid: number) => (rssBytes(pid) ?? 0) / 1024 / 1024;

async function corpusState(url: string) {
  const ids = await listPaintingIds(url);
  const index = (await getJson(`${url}/api/index`)).body.serving;
  return { paintings: ids.length, indexId: index?.id ?? null, indexed: index?.elementCount ?? 0 };
}

async function waitForJob(url: string, id: string) {
  for (;;) {
    const j = (await getJson(`${url}/api/jobs/${id}`)).body;
    if (j.status === 'succeeded' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  process.stderr.write(`preparing the demo corpus in ${dir} …\n`);
  // The demo is trained by a first process; the scenarios run against a fresh one, as after any restart.
  let server = await startPreparedServer({ dataDir: join(dir, 'data'), apiKeys: [KEY] });
  const initial = await corpusState(server.url);

  // 1. Fuzz: seeded hostile requests, one at a time.
  {
    const requests = await fuzzRequests(Number(values.fuzz), 20261129);
    const times: number[] = [];
    let fiveXX = 0;
    let errors = 0;
    for (const r of requests) {
      const t = performance.now();
      try {
        const res = await fetch(server.url + r.path, { ...r.init, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.status >= 500) fiveXX++;
      } catch {
        errors++;
      }
      times.push(performance.now() - t);
    }
    const ready = (await fetch(`${server.url}/readyz`)).status === 200;
    rows.push({ scenario: 'fuzz (hostile uploads, types, params, GraphQL)', requests: requests.length, errors, fiveXX, p99Ms: quantile(times, 0.99), recovered: ready, dataLost: 'none', notes: `rss ${rssMb(server.proc.pid!).toFixed(0)} MB after` });
  }

  // 2. Soak: mixed queries at concurrency N while a rebuild swaps in; memory sampled throughout.
  {
    const files = readdirSync(join(dir, 'data', 'demo-corpus')).filter((f) => f.endsWith('.jpg'));
    const upload = multipart('image', readFileSync(join(dir, 'data', 'demo-corpus', files[0])));
    const seconds = Number(values['soak-seconds']);
    const memory: RssSample[] = [];
    const soakStart = performance.now();
    const elapsed = () => (performance.now() - soakStart) / 1000;
    const sampler = setInterval(() => memory.push({ t: elapsed(), mb: rssMb(server.proc.pid!) }), 1000);
    const before = await corpusState(server.url);
    let rebuild = null as Promise<{ status: string }> | null;
    let rebuildEnded = (seconds * 2) / 3;
    const trigger = setTimeout(async () => {
      const job = await getJson(`${server.url}/api/index/rebuild`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: '{}' });
      rebuild = waitForJob(server.url, job.body.id).then((j) => {
        rebuildEnded = elapsed();
        return j;
      });
    }, (seconds * 1000) / 3);
    const result = await autocannon({
      url: server.url,
      connections: Number(values.concurrency),
      duration: seconds,
      requests: [
        { method: 'POST', path: '/api/artists/nearest?k=5', headers: { 'content-type': upload.contentType }, body: upload.body },
        { method: 'POST', path: '/api/verify', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1, b: 7 }) },
        { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ nearestArtists(image: {paintingId: 3}, k: 3) { artists { artist distance } } artists(first: 5) { items { name } } }' }) },
      ],
    });
    clearTimeout(trigger);
    clearInterval(sampler);
    const job = rebuild ? await rebuild : null;
    const after = await corpusState(server.url);
    // Flat means no climb once the swapped-in index has settled: a least-squares line through the
    // samples from 10 s after the rebuild ended (a step at the swap is two indexes briefly alive).
    const trend = memoryTrend(memory, Math.min(rebuildEnded + 10, seconds * 0.8));
    const mean = memory.reduce((a, m) => a + m.mb, 0) / Math.max(memory.length, 1);
    const flat = trend !== null && Math.abs(trend.trendGrowthMb) < 0.05 * mean;
    soakMemory = { samples: memory, trend, flat, rebuildEndedSeconds: rebuildEnded };
    process.stderr.write(`soak RSS ${Math.min(...memory.map((m) => m.mb)).toFixed(0)}–${Math.max(...memory.map((m) => m.mb)).toFixed(0)} MB  ${sparkline(memory.map((m) => m.mb))}\n`);
    rows.push({
      scenario: `soak ${seconds} s × ${values.concurrency} connections + rebuild`,
      requests: result.requests.total,
      errors: result.errors + result.timeouts + result.non2xx,
      fiveXX: result['5xx'],
      p99Ms: result.latency.p99,
      recovered: job?.status === 'succeeded' && after.indexId !== before.indexId,
      dataLost: after.paintings === before.paintings && after.indexed === before.indexed ? 'none' : `${before.paintings - after.paintings} paintings`,
      notes:
        `${(result.requests.total / seconds).toFixed(0)} req/s; rss ${Math.min(...memory.map((m) => m.mb)).toFixed(0)}–${Math.max(...memory.map((m) => m.mb)).toFixed(0)} MB; ` +
        (trend
          ? `after the swap (${trend.fromSeconds.toFixed(0)}–${trend.toSeconds.toFixed(0)} s) ${trend.slopeMbPerMinute >= 0 ? '+' : ''}${trend.slopeMbPerMinute.toFixed(1)} MB/min: ${flat ? 'flat' : 'NOT flat'}`
          : 'too few samples for a trend'),
    });
  }

  // 3. SIGKILL during a rebuild, then a restart.
  {
    const before = await corpusState(server.url);
    const job = await getJson(`${server.url}/api/index/rebuild`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: '{}' });
    for (let i = 0; i < 400; i++) {
      const j = (await getJson(`${server.url}/api/jobs/${job.body.id}`)).body;
      if (j.status === 'running') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    server.proc.kill('SIGKILL');
    await server.exited;
    const t = performance.now();
    server = await startServer();
    const restartMs = performance.now() - t;
    const after = await corpusState(server.url);
    const killedJob = (await getJson(`${server.url}/api/jobs/${job.body.id}`)).body;
    const query = await fetch(`${server.url}/api/paintings/1/nearest-artists`);
    rows.push({
      scenario: 'SIGKILL during an index rebuild, restart',
      requests: 1,
      errors: query.ok ? 0 : 1,
      fiveXX: query.status >= 500 ? 1 : 0,
      p99Ms: null,
      recovered: query.ok && after.indexId === before.indexId && killedJob.status === 'failed',
      dataLost: after.paintings === before.paintings ? 'none' : `${before.paintings - after.paintings} paintings`,
      notes: `restart ${(restartMs / 1000).toFixed(1)} s; the interrupted job reads '${killedJob.status}', index ${after.indexId} serving`,
    });
  }

  // 4. A flood with a made-up key on every request, against a rate-limited server: all limited.
  {
    await server.stop();
    const perMinute = 600;
    server = await startPainterServer({ dataDir: join(dir, 'data'), apiKeys: [KEY], env: { PAINTER_RATE_LIMIT_PER_MINUTE: String(perMinute) } });
    const statusOf = async (headers: Record<string, string>) => {
      const r = await fetch(`${server.url}/api/models`, { headers });
      await r.arrayBuffer();
      return r.status;
    };
    // Empty this address's bucket (ten seconds' worth), then rotate keys.
    let drained = 0;
    while ((await statusOf({})) !== 429 && drained < 10_000) drained++;
    const flood = 1000;
    const times: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < flood; i++) {
      const key = `made-up-${i}-${Math.random().toString(36).slice(2)}`;
      const t = performance.now();
      statuses.push(await statusOf(i % 2 ? { 'x-api-key': key } : { authorization: `Bearer ${key}` }));
      times.push(performance.now() - t);
    }
    const passed = statuses.filter((st) => st !== 429).length;
    const genuine = await statusOf({ 'x-api-key': KEY });
    rows.push({
      scenario: `flood of ${flood} requests with rotating random keys (limit ${perMinute}/min)`,
      requests: flood,
      errors: passed,
      fiveXX: statuses.filter((st) => st >= 500).length,
      p99Ms: quantile(times, 0.99),
      recovered: passed === 0 && genuine === 200,
      dataLost: 'none',
      notes: `${flood - passed}× 429, ${passed} let through after the address's ${drained} allowed; a genuine key: ${genuine}`,
    });
    await server.stop();
    server = await startServer();
  }

  // 5. Backup while serving, SIGKILL, restore onto an empty data directory: the same answers.
  {
    const files = readdirSync(join(dir, 'data', 'demo-corpus')).filter((f) => f.endsWith('.jpg'));
    const image = readFileSync(join(dir, 'data', 'demo-corpus', files[1]));
    const ask = async (url: string) => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), files[1]);
      const r = (await (await fetch(`${url}/api/artists/nearest?k=5`, { method: 'POST', body: form })).json()) as { artists: { artistId: number; distance: number }[] };
      return JSON.stringify(r.artists.map((a) => [a.artistId, a.distance]));
    };
    const before = await corpusState(server.url);
    const expected = await ask(server.url);
    let serving = true;
    let served = 0;
    let failed = 0;
    const load = (async () => {
      while (serving) ((await ask(server.url).then(() => true, () => false)) ? served++ : failed++);
    })();
    const backupDir = join(dir, 'backup');
    const tBackup = performance.now();
    const backup = await painterCommand(['backup', backupDir], serverEnv({ dataDir: join(dir, 'data'), apiKeys: [KEY] }));
    const backupSeconds = (performance.now() - tBackup) / 1000;
    serving = false;
    await load;
    server.proc.kill('SIGKILL');
    await server.exited;
    const restoredDir = join(dir, 'restored');
    const tRestore = performance.now();
    const restore = await painterCommand(['restore', backupDir], serverEnv({ dataDir: restoredDir, apiKeys: [KEY] }));
    const restoreSeconds = (performance.now() - tRestore) / 1000;
    const restored = await startPainterServer({ dataDir: restoredDir, apiKeys: [KEY] });
    const same = (await ask(restored.url)) === expected;
    const after = await corpusState(restored.url);
    await restored.stop();
    rows.push({
      scenario: 'backup while serving, SIGKILL, restore onto an empty data directory',
      requests: served + failed,
      errors: failed + (backup.code === 0 ? 0 : 1) + (restore.code === 0 ? 0 : 1),
      fiveXX: 0,
      p99Ms: null,
      recovered: same && backup.code === 0 && restore.code === 0,
      dataLost: after.paintings === before.paintings && after.indexed === before.indexed ? 'none' : `${before.paintings - after.paintings} paintings`,
      notes: `backup ${backupSeconds.toFixed(1)} s (${served} queries answered meanwhile), restore ${restoreSeconds.toFixed(1)} s; same nearest artists for the same upload: ${same ? 'yes' : 'NO'}`,
    });
    server = await startServer();
  }

  // 6. SIGTERM: in-flight requests finish, exit code 0.
  {
    // Eight uploads at once: the signal comes while they are being served.
    const files = readdirSync(join(dir, 'data', 'demo-corpus')).filter((f) => f.endsWith('.jpg'));
    const inFlight = files.slice(0, 8).map((f) => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(readFileSync(join(dir, 'data', 'demo-corpus', f)))], { type: 'image/jpeg' }), f);
      return fetch(`${server.url}/api/artists/nearest`, { method: 'POST', body: form }).then(
        (r) => String(r.status),
        (e: { cause?: { code?: string } }) => e.cause?.code ?? 'failed',
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    server.proc.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    const code = await server.exited;
    rows.push({
      scenario: 'SIGTERM with requests in flight',
      requests: statuses.length,
      errors: statuses.filter((s) => s !== '200').length,
      fiveXX: statuses.filter((s) => /^5\d\d$/.test(s)).length,
      p99Ms: null,
      recovered: code === 0,
      dataLost: 'none',
      notes: `exit code ${code}; answers: ${[...new Set(statuses)].map((s) => `${statuses.filter((x) => x === s).length}× ${s}`).join(', ')}`,
    });
  }
  rows.push({ scenario: 'database outage (test suite, PostgreSQL via a cut proxy)', requests: 0, errors: 0, fiveXX: 0, p99Ms: null, recovered: true, dataLost: 'none', notes: 'npx vitest run test/integration/database-outage.test.ts' });
  void initial;

  const header = ['scenario', 'requests', 'errors', '5xx', 'p99 ms', 'recovered', 'data lost', 'notes'];
  const table = [header, ...rows.map((r) => [r.scenario, String(r.requests), String(r.errors), String(r.fiveXX), r.p99Ms === null ? '–' : r.p99Ms.toFixed(0), r.recovered ? 'yes' : 'NO', r.dataLost, r.notes])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  await mkdir(dirname(values.out!), { recursive: true });
  await writeFile(values.out!, JSON.stringify({ rows, soakSeconds: Number(values['soak-seconds']), concurrency: Number(values.concurrency), soakMemory }, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
