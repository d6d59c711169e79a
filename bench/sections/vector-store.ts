/**
 * Section `vector-store`: the two vector stores side by side through the interface the server
 * uses. hnswlib (an index file loaded into the process) against pgvector (a halfvec table with an
 * HNSW index in PostgreSQL): recall@10 against exact float32 search, queries/s, filtered queries
 * (do they still return k?), build time and size, on the served corpus embeddings (`--data-dir`)
 * and on 100,000 synthetic 2048-d vectors. Then what half precision costs: distance error against
 * float32, and on the corpus the ROC AUC and the same-painter decisions of the served model. Last,
 * nearest-artist uploads at concurrency 8 against one `painter serve` and against two replicas on
 * one PostgreSQL (pgvector store), on this machine's shared cores.
 *
 * PostgreSQL: PAINTER_BENCH_PG_URL, else the local test server (scripts/start-postgres.sh); a
 * scratch schema is created and dropped.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { IndexChangeRepository } from '../../src/db/repositories/index-change-repository.js';
import type { CorpusPainting, IndexBuild, PaintingSplit } from '../../src/db/types.js';
import { sameArtistPairs, differentArtistPairs, type Pair } from '../../src/evaluation/pairs.js';
import { exactSearch } from '../../src/index/exact-search.js';
import { DEFAULT_INDEX_PARAMS } from '../../src/index/types.js';
import { bestAccuracyThreshold, rocAuc } from '../../src/metrics/roc.js';
import { Rng } from '../../src/util/random.js';
import { HnswlibStore } from '../../src/vector-store/hnswlib-store.js';
import { PgvectorStore } from '../../src/vector-store/pgvector-store.js';
import type { BuildVectors, IndexEntry, VectorFilter, VectorStore } from '../../src/vector-store/types.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { MB } from '../lib/memory.js';
import { loadServedEmbeddings } from '../lib/served-embeddings.js';
import { getJson, multipart, startServer, type ServerProcess } from '../lib/server.js';
import { median, ratio } from '../lib/stats.js';
import { ARTIST_LIKE, clusteredVectors, heldOutQueries } from '../lib/synthetic.js';
import type { BenchContext, BenchResult, BenchSection, BenchTable, TargetCheck } from '../lib/types.js';

const K = 10;
const PASSES = 3;
const STYLES = 20;
/** Exact float32 search of 100,000 × 2048 is the slow part: 200 queries give recall@10 over 2,000 neighbours. */
const SYNTHETIC_QUERIES = 200;
const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

interface Dataset {
  name: string;
  describe: string;
  rows: Float32Array;
  entries: IndexEntry[];
  dim: number;
  queries: Float32Array;
}

interface StoreRun {
  store: 'hnswlib' | 'pgvector';
  buildSeconds: number;
  bytes: number;
  recall: number;
  queriesPerSecond: number;
  filtered: { name: string; recall: number; fullShare: number; queriesPerSecond: number }[];
  /** Distances the store returned against float32 exact distances of the same paintings. */
  distanceError: { meanAbs: number; maxAbs: number; maxRelative: number };
}

function pgUrl(): string {
  if (process.env.PAINTER_BENCH_PG_URL) return process.env.PAINTER_BENCH_PG_URL;
  const script = fileURLToPath(new URL('../../scripts/start-postgres.sh', import.meta.url));
  return execFileSync('sh', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
}

const FILTERS: { name: string; filter: VectorFilter }[] = [
  { name: 'split = test', filter: { splits: ['test'] } },
  { name: 'one style', filter: { style: 'style-3' } },
  { name: 'test split, one style', filter: { splits: ['test'], style: 'style-3' } },
];

async function runStore(ctx: BenchContext, store: VectorStore, data: Dataset, truth: { label: number; distance: number }[][], build: IndexBuild): Promise<StoreRun> {
  const { dim, queries } = data;
  const q = queries.length / dim;
  const bar = ctx.progress(`${data.name}: ${store.kind} build (%)`, 100);
  const written = await store.write(build, { vectors: data.rows, entries: data.entries, onProgress: (done, total) => bar.update(Math.round((100 * done) / total)) });
  bar.stop();
  const vectors = await store.open({ ...build, checksum: written.checksum, status: 'complete' });
  try {
    const search = async (filter?: VectorFilter) => {
      const hits: { label: number; distance: number }[][] = [];
      for (let i = 0; i < Math.min(20, q); i++) await vectors.search(queries.subarray(i * dim, (i + 1) * dim), K, filter);
      const rates: number[] = [];
      for (let p = 0; p < PASSES; p++) {
        hits.length = 0;
        const t = performance.now();
        for (let i = 0; i < q; i++) hits.push(await vectors.search(queries.subarray(i * dim, (i + 1) * dim), K, filter));
        rates.push(q / ((performance.now() - t) / 1000));
      }
      return { hits, queriesPerSecond: median(rates)! };
    };
    const plain = await search();
    let errSum = 0;
    let errMax = 0;
    let relMax = 0;
    let n = 0;
    plain.hits.forEach((hits, i) => {
      const exact = new Map(truth[i].map((t) => [t.label, t.distance]));
      for (const h of hits) {
        const d = exact.get(h.label) ?? exactDistance(data, queries.subarray(i * dim, (i + 1) * dim), h.label);
        const e = Math.abs(h.distance - d);
        errSum += e;
        n++;
        errMax = Math.max(errMax, e);
        relMax = Math.max(relMax, e / Math.max(d, 1e-9));
      }
    });
    const filtered = [];
    for (const f of FILTERS) {
      const r = await search(f.filter);
      const exactFiltered = filteredTruth(data, f.filter);
      let found = 0;
      let full = 0;
      let expected = 0;
      r.hits.forEach((hits, i) => {
        const t = exactFiltered(queries.subarray(i * dim, (i + 1) * dim));
        expected += t.length;
        found += hits.filter((h) => t.some((x) => x.label === h.label)).length;
        if (hits.length === t.length) full++;
      });
      filtered.push({ name: f.name, recall: expected ? found / expected : 1, fullShare: full / q, queriesPerSecond: r.queriesPerSecond });
    }
    return {
      store: store.kind,
      buildSeconds: written.seconds,
      bytes: written.bytes,
      recall: recallOf(plain.hits, truth),
      queriesPerSecond: plain.queriesPerSecond,
      filtered,
      distanceError: { meanAbs: errSum / n, maxAbs: errMax, maxRelative: relMax },
    };
  } finally {
    vectors.close();
    await store.drop(build);
  }
}

function recallOf(hits: { label: number }[][], truth: { label: number }[][]): number {
  let found = 0;
  let total = 0;
  hits.forEach((h, i) => {
    const t = new Set(truth[i].map((x) => x.label));
    found += h.filter((x) => t.has(x.label)).length;
    total += t.size;
  });
  return found / total;
}

function exactDistance(data: Dataset, query: Float32Array, label: number): number {
  const row = data.entries.findIndex((e) => e.id === label);
  let s = 0;
  for (let j = 0; j < data.dim; j++) s += (data.rows[row * data.dim + j] - query[j]) ** 2;
  return Math.sqrt(s);
}

function filteredTruth(data: Dataset, filter: VectorFilter) {
  const byId = new Map(data.entries.map((e) => [e.id, e]));
  const rows = { rows: data.rows, labels: data.entries.map((e) => e.id), dim: data.dim };
  return (query: Float32Array) =>
    exactSearch(rows, query, K, (label) => {
      const e = byId.get(label)!;
      return (!filter.splits || filter.splits.includes(e.split)) && (!filter.style || e.style === filter.style);
    });
}

export function syntheticDataset(ctx: BenchContext): Dataset {
  const clusters = ctx.quick ? 200 : 2000;
  const perCluster = 50;
  const data = clusteredVectors({ ...ARTIST_LIKE, clusters, perCluster, seed: ctx.seed });
  const q = heldOutQueries(data, ctx.quick ? 100 : SYNTHETIC_QUERIES, ctx.seed);
  const rng = new Rng(ctx.seed + 1);
  const entries = Array.from(data.clusterOf, (c, i): IndexEntry => ({ id: i + 1, artistId: c + 1, split: c % 5 === 0 ? 'test' : 'train', style: `style-${rng.int(STYLES)}` }));
  return {
    name: 'synthetic',
    describe: `synthetic ${(clusters * perCluster).toLocaleString('en-US')} × ${ARTIST_LIKE.dim} (${clusters} overlapping clusters of ${perCluster}; 20% in split test, ${STYLES} styles)`,
    rows: data.rows,
    entries,
    dim: ARTIST_LIKE.dim,
    queries: q.rows,
  };
}

interface CorpusData extends Dataset {
  paintings: Map<number, CorpusPainting>;
  modelVersion: number;
}

/** The served embeddings minus a seeded sample of queries; styles of the corpus become style-N by frequency rank. */
async function corpusDataset(ctx: BenchContext): Promise<CorpusData | string> {
  const served = await loadServedEmbeddings(ctx.dataDir);
  if ('missing' in served) return served.missing;
  const { dim } = served;
  const n = served.labels.length;
  const q = Math.min(ctx.quick ? 100 : 500, Math.floor(n / 10));
  if (q < 1) return `the index in ${ctx.dataDir} holds only ${n} paintings`;
  const order = new Rng(ctx.seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const byStyle = new Map<string, number>();
  for (const p of served.paintings.values()) if (p.style) byStyle.set(p.style, (byStyle.get(p.style) ?? 0) + 1);
  const rank = new Map([...byStyle.entries()].sort((a, b) => b[1] - a[1]).map(([s], i) => [s, `style-${i}`]));
  const queries = new Float32Array(q * dim);
  const rows = new Float32Array(new SharedArrayBuffer((n - q) * dim * 4));
  const entries: IndexEntry[] = [];
  order.forEach((row, i) => {
    const v = served.rows.subarray(row * dim, (row + 1) * dim);
    if (i < q) {
      queries.set(v, i * dim);
      return;
    }
    rows.set(v, (i - q) * dim);
    const p = served.paintings.get(served.labels[row])!;
    entries.push({ id: p.id, artistId: p.artistId, split: p.split as PaintingSplit, style: p.style ? rank.get(p.style)! : null });
  });
  return {
    name: 'corpus',
    describe: `served corpus, ${n.toLocaleString('en-US')} × ${dim} (model v${served.modelVersion}, ${ctx.dataDir}); ${q} of its paintings held out as queries`,
    rows,
    entries,
    dim,
    queries,
    paintings: served.paintings,
    modelVersion: served.modelVersion,
  };
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Round-to-nearest-even float16, as PostgreSQL's halfvec stores each value. */
function toHalf(x: number): number {
  F32[0] = x;
  const u = U32[0];
  const sign = u >>> 31 ? -1 : 1;
  const exp = ((u >>> 23) & 0xff) - 127;
  const a = Math.abs(x);
  if (a === 0) return 0;
  if (exp < -14) {
    // Subnormal half: a multiple of 2^-24.
    const step = 2 ** -24;
    return sign * roundEven(a / step) * step;
  }
  const step = 2 ** (exp - 10);
  return sign * roundEven(a / step) * step;
}

function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface PrecisionCost {
  pairs: number;
  aucFloat32: number;
  aucHalf: number;
  threshold: number;
  decisionsChanged: number;
  maxPairDistanceError: number;
}

/** Same-artist vs different-artist pairs of the test split, in float32 and in half precision. */
export function precisionCost(corpus: Dataset, seed: number): PrecisionCost | null {
  const rows: Float32Array[] = [];
  const items: { artist: string; style: string | null }[] = [];
  corpus.entries.forEach((e, i) => {
    if (e.split !== 'test') return;
    rows.push(corpus.rows.subarray(i * corpus.dim, (i + 1) * corpus.dim));
    items.push({ artist: String(e.artistId), style: e.style });
  });
  if (items.length < 10) return null;
  const same = sameArtistPairs(items);
  const different = differentArtistPairs(items, same.length, new Rng(seed));
  const half = rows.map((r) => Float32Array.from(r, toHalf));
  const dist = (set: Float32Array[], [i, j]: Pair) => {
    let s = 0;
    for (let k = 0; k < corpus.dim; k++) s += (set[i][k] - set[j][k]) ** 2;
    return Math.sqrt(s);
  };
  const d32 = { same: same.map((p) => dist(rows, p)), diff: different.map((p) => dist(rows, p)) };
  const d16 = { same: same.map((p) => dist(half, p)), diff: different.map((p) => dist(half, p)) };
  const threshold = bestAccuracyThreshold(d32.same, d32.diff).threshold;
  let changed = 0;
  let maxErr = 0;
  for (const k of ['same', 'diff'] as const) {
    d32[k].forEach((d, i) => {
      if (d <= threshold !== d16[k][i] <= threshold) changed++;
      maxErr = Math.max(maxErr, Math.abs(d - d16[k][i]));
    });
  }
  return {
    pairs: same.length + different.length,
    aucFloat32: rocAuc(d32.same, d32.diff),
    aucHalf: rocAuc(d16.same, d16.diff),
    threshold,
    decisionsChanged: changed,
    maxPairDistanceError: maxErr,
  };
}

function storeTable(data: Dataset, runs: StoreRun[], exactQps: number): BenchTable {
  const p = DEFAULT_INDEX_PARAMS;
  return {
    title: `Vector stores: ${data.describe}; k ${K}, M ${p.M}, efConstruction ${p.efConstruction}, ef_search ${p.ef}`,
    digits: { [`recall@${K}`]: 4, 'mean |Δd|': 5, 'max |Δd|': 4 },
    rows: runs.map((r) => ({
      label: r.store === 'hnswlib' ? 'hnswlib (file, float32, in process)' : 'pgvector (halfvec table + HNSW, SQL over loopback)',
      metrics: {
        [`recall@${K}`]: r.recall,
        'q/s': r.queriesPerSecond,
        'ms/query': 1000 / r.queriesPerSecond,
        'build s': r.buildSeconds,
        'size MB': r.bytes / MB,
        'mean |Δd|': r.distanceError.meanAbs,
        'max |Δd|': r.distanceError.maxAbs,
        ...Object.fromEntries(r.filtered.map((f) => [`${f.name}: recall / full k / q/s`, `${f.recall.toFixed(3)} / ${(100 * f.fullShare).toFixed(0)}% / ${f.queriesPerSecond.toFixed(0)}`])),
      },
      ratios: { 'q/s vs exact': ratio(r.queriesPerSecond, exactQps) },
    })),
    notes: [
      `exact float32 search: ${exactQps.toFixed(1)} q/s (the ground truth). Δd: a returned distance against the exact float32 distance of the same painting.`,
      'filtered: "full k" = share of queries answered with as many paintings as exact filtered search finds (k, or every match when fewer match); pgvector uses iterative index scans (relaxed order) and an exact scan when those come back short.',
      'size: hnswlib index file; pgvector table + HNSW index (pg_total_relation_size). Build: hnswlib one worker thread; pgvector INSERTs then CREATE INDEX (maintenance_work_mem 2 GB, parallel workers as configured).',
    ],
  };
}

/** Nearest-artist uploads at concurrency 8, against one server and against two replicas (4 connections each). */
async function replicaThroughput(ctx: BenchContext): Promise<{ one: LoadResult; two: LoadResult[]; twoRate: number; buildId: number } | string> {
  if (!ctx.dataset || !ctx.dataDirGiven) return 'needs --data-dir (a corpus whose metadata is in PostgreSQL) and --dataset (images to upload)';
  const dbUrl = process.env.DATABASE_URL;
  if (!dbUrl) return 'needs DATABASE_URL: the served corpus must live in PostgreSQL for two replicas to share it';
  const env = { DATABASE_URL: dbUrl, PAINTER_VECTOR_STORE: 'pgvector', PAINTER_INDEX_POLL_SECONDS: '1' };
  const files = (await readdir(ctx.dataset, { recursive: true })).filter((f) => IMAGE_TYPES[extname(f).toLowerCase()]).sort();
  const servers: ServerProcess[] = [];
  const key = { 'x-api-key': 'bench-key' };
  let first: ServerProcess | undefined;
  let previous: number | null = null;
  try {
    first = await startServer({ dataDir: ctx.dataDir, env, apiKeys: ['bench-key'] });
    servers.push(first);
    previous = (await getJson(`${first.url}/api/index/builds`)).body.activeBuildId;
    // A pgvector build of the served model (the rebuild job), so both replicas query PostgreSQL.
    ctx.log('replicas: building the served corpus into pgvector');
    const job = await getJson(`${first.url}/api/index/rebuild`, { method: 'POST', headers: key });
    if (job.status !== 202) return `could not start a pgvector build: ${JSON.stringify(job.body)}`;
    let buildId = 0;
    for (;;) {
      const j = (await getJson(`${first.url}/api/jobs/${job.body.id}`)).body;
      if (j.status === 'succeeded') {
        buildId = j.result.indexId;
        break;
      }
      if (j.status !== 'running' && j.status !== 'queued') return `the pgvector build ${j.status}: ${JSON.stringify(j.error)}`;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const rng = new Rng(ctx.seed);
    const chosen = rng.sample(files, Math.min(24, files.length));
    const uploads = await Promise.all(chosen.map(async (f) => multipart('image', await readFile(join(ctx.dataset!, f)), f, IMAGE_TYPES[extname(f).toLowerCase()])));
    const requests = uploads.map((u) => ({ method: 'POST' as const, path: '/api/artists/nearest?k=5', headers: { 'content-type': u.contentType }, body: u.body }));
    const amount = ctx.quick ? 48 : 480;
    const warm = async (s: ServerProcess) => runLoad({ url: s.url, requests, connections: 2, amount: 16, maxSeconds: 30 });
    await warm(first);
    const one = await runLoad({ url: first.url, requests, connections: 8, amount, maxSeconds: 120 });
    const second = await startServer({ dataDir: ctx.dataDir, env });
    servers.push(second);
    await warm(second);
    const started = performance.now();
    const two = await Promise.all(servers.map((s) => runLoad({ url: s.url, requests, connections: 4, amount: amount / 2, maxSeconds: 120 })));
    const seconds = (performance.now() - started) / 1000;
    return { one, two, twoRate: two.reduce((s, r) => s + r.responses, 0) / seconds, buildId };
  } finally {
    // The served data directory gets its active build back (the pgvector build stays listed).
    if (first && previous !== null) {
      await getJson(`${first.url}/api/index/builds/${previous}/activate`, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: '{"pin":false}' }).catch(() => undefined);
    }
    for (const s of servers) await s.stop();
  }
}

export const vectorStoreSection: BenchSection = {
  name: 'vector-store',
  description: 'hnswlib vs pgvector through the store interface: recall@10, q/s, filtered queries, build time and size (served corpus, 100,000 synthetic); half precision cost; uploads at c8 on one vs two replicas',
  async run(ctx): Promise<BenchResult> {
    const url = pgUrl();
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
    const tables: BenchTable[] = [];
    const raw: Record<string, unknown> = {};
    const targets: TargetCheck[] = [];
    try {
      const datasets: Dataset[] = [];
      const corpus = await corpusDataset(ctx);
      if (typeof corpus === 'string') {
        ctx.log(`corpus embeddings: skipped — ${corpus}`);
        raw.corpus = { skipped: corpus };
      } else datasets.push(corpus);
      if (ctx.synthetic) datasets.push(syntheticDataset(ctx));

      let buildId = 1;
      for (const data of datasets) {
        const q = data.queries.length / data.dim;
        const rows = { rows: data.rows, labels: data.entries.map((e) => e.id), dim: data.dim };
        const bar = ctx.progress(`${data.name}: exact search`, q);
        const t = performance.now();
        const truth = Array.from({ length: q }, (_, i) => {
          bar.update(i + 1);
          return exactSearch(rows, data.queries.subarray(i * data.dim, (i + 1) * data.dim), K);
        });
        bar.stop();
        const exactQps = q / ((performance.now() - t) / 1000);
        const entriesById = new Map(data.entries.map((e) => [e.id, e]));
        const stores: VectorStore[] = [
          new HnswlibStore({
            dataDir: ctx.tmpDir,
            catalog: { corpus: async () => data.entries.map((e) => ({ ...entriesById.get(e.id)!, artistName: '', filePath: '' })) },
            changes: { since: async () => [] } as unknown as IndexChangeRepository,
          }),
          new PgvectorStore(pool, { schema }),
        ];
        const runs: StoreRun[] = [];
        for (const store of stores) {
          const id = buildId++;
          const build = { id, dir: store.location(id), dim: data.dim, params: DEFAULT_INDEX_PARAMS, datasetId: null, store: store.kind } as unknown as IndexBuild;
          runs.push(await runStore(ctx, store, data, truth, build));
          ctx.log(`${data.name} ${store.kind}: recall ${runs.at(-1)!.recall.toFixed(4)}, ${runs.at(-1)!.queriesPerSecond.toFixed(0)} q/s`);
        }
        tables.push(storeTable(data, runs, exactQps));
        raw[data.name] = { describe: data.describe, vectors: data.entries.length, queries: q, exactQueriesPerSecond: exactQps, runs };
        const pgRun = runs.find((r) => r.store === 'pgvector')!;
        targets.push({
          target: `pgvector filtered queries return as many results as exact filtered search (${data.name})`,
          measured: pgRun.filtered.map((f) => `${f.name} ${(100 * f.fullShare).toFixed(0)}%`).join(', '),
          pass: pgRun.filtered.every((f) => f.fullShare === 1),
        });
      }

      for (const data of datasets) {
        const cost = precisionCost(data, ctx.seed);
        if (!cost) continue;
        (raw.halfPrecision ??= {} as Record<string, PrecisionCost>);
        (raw.halfPrecision as Record<string, PrecisionCost>)[data.name] = cost;
        const whose = data === corpus ? `the served model's test-split pairs (model v${(data as CorpusData).modelVersion})` : 'the synthetic test-split pairs (same cluster = same artist)';
        tables.push({
          title: `Half precision (halfvec) on ${whose}`,
          digits: { 'ROC AUC': 5, 'max |Δd|': 5 },
          rows: [
            { label: 'float32 (hnswlib)', metrics: { pairs: cost.pairs, 'ROC AUC': cost.aucFloat32, 'decisions changed': 0, 'max |Δd|': 0 } },
            {
              label: 'float16 (pgvector halfvec)',
              metrics: { pairs: cost.pairs, 'ROC AUC': cost.aucHalf, 'decisions changed': cost.decisionsChanged, 'max |Δd|': cost.maxPairDistanceError },
            },
          ],
          notes: [`decisions at the float32 best-accuracy threshold ${cost.threshold.toFixed(2)} that flip when both vectors are rounded to half precision.`],
        });
      }

      const replicas = await replicaThroughput(ctx);
      if (typeof replicas === 'string') {
        ctx.log(`replicas: skipped — ${replicas}`);
        raw.replicas = { skipped: replicas };
      } else {
        raw.replicas = replicas;
        const row = (label: string, r: LoadResult) => ({
          label,
          metrics: { requests: r.responses, 'median ms': r.latencyMs.median, 'p95 ms': r.latencyMs.p95, 'req/s': r.requestsPerSecond, errors: r.errors + r.non2xx },
        });
        tables.push({
          title: 'POST /api/artists/nearest (upload) at concurrency 8: one replica vs two replicas on one PostgreSQL (pgvector), this 2-core machine',
          rows: [
            { ...row('one replica, 8 connections', replicas.one), ratios: { 'vs one': 1 } },
            ...replicas.two.map((r, i) => row(`replica ${i + 1} of 2, 4 connections`, r)),
            { label: 'two replicas together', metrics: { requests: replicas.two.reduce((s, r) => s + r.responses, 0), 'req/s': replicas.twoRate }, ratios: { 'vs one': ratio(replicas.twoRate, replicas.one.requestsPerSecond) } },
          ],
          notes: ['both replicas share the same two cores, so a second one adds no CPU: what it adds is a second process to fail over to.'],
        });
      }
    } finally {
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
    return { tables, targets, raw };
  },
};
