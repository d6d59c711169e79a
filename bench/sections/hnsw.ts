/**
 * Section `hnsw`: the HNSW index against exact search on the same held-out queries — recall@10,
 * queries per second, build time and memory — on synthetic clustered vectors at corpus scale
 * (100,000 × 2048) and on the embeddings of an imported corpus when one is indexed.
 */
import { join } from 'node:path';
import { buildIndexInWorker } from '../../src/index/build-in-worker.js';
import { exactSearch } from '../../src/index/exact-search.js';
import { measureRecall } from '../../src/index/recall.js';
import type { SearchHit } from '../../src/index/types.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { DEFAULT_INDEX_PARAMS } from '../../src/services/index-service.js';
import { Rng } from '../../src/util/random.js';
import { MB, rssBytes } from '../lib/memory.js';
import { loadServedEmbeddings } from '../lib/served-embeddings.js';
import { median, ratio } from '../lib/stats.js';
import { ARTIST_LIKE, clusteredVectors, heldOutQueries } from '../lib/synthetic.js';
import type { BenchContext, BenchResult, BenchSection, BenchTable, TargetCheck } from '../lib/types.js';

const K = 10;
const EFS = [20, 50, 100, 200];
/** The query pass is short at high q/s: repeat it and keep the median, the machine being shared. */
const PASSES = 5;
const TARGET_VECTORS = 100_000;
const TARGET_RECALL = 0.99;
const TARGET_SPEEDUP = 10;

interface Dataset {
  name: string;
  rows: Float32Array;
  labels: number[];
  dim: number;
  queries: Float32Array;
  describe: string;
  /** For synthetic data: the cluster of each row and each query, to report how much clusters overlap. */
  clusters?: { ofRow: Int32Array; ofQuery: Int32Array };
  /** How the data was made, for the JSON report. */
  spec?: Record<string, unknown>;
}

interface EfResult {
  ef: number;
  recall: number;
  minRecall: number;
  queriesPerSecond: number;
  passQueriesPerSecond: number[];
}

interface Comparison {
  dataset: string;
  vectors: number;
  queries: number;
  dim: number;
  params: typeof DEFAULT_INDEX_PARAMS;
  exact: { queriesPerSecond: number; seconds: number; rowBytes: number };
  /** Share of the exact k nearest that lie in the query's own cluster (synthetic data only). */
  ownClusterShare: number | null;
  hnsw: { buildSeconds: number; fileBytes: number; rssDeltaBytes: number | null; byEf: EfResult[] };
}

async function compare(ctx: BenchContext, data: Dataset): Promise<Comparison> {
  const { rows, labels, dim, queries } = data;
  const q = queries.length / dim;
  const corpus = { rows, labels, dim };

  // Exact search first, as ground truth and as the baseline rate.
  const truth: SearchHit[][] = [];
  const bar = ctx.progress(`${data.name}: exact search`, q);
  const started = performance.now();
  for (let i = 0; i < q; i++) {
    truth.push(exactSearch(corpus, queries.subarray(i * dim, (i + 1) * dim), K));
    bar.update(i + 1);
  }
  bar.stop();
  const exactSeconds = (performance.now() - started) / 1000;

  // The build runs as the server's does: one worker thread inserting, then a checked save.
  const dir = join(ctx.tmpDir, `hnsw-${data.name}`);
  const buildBar = ctx.progress(`${data.name}: HNSW build`, labels.length);
  const built = await buildIndexInWorker({
    vectors: rows,
    labels,
    dim,
    params: { ...DEFAULT_INDEX_PARAMS, seed: ctx.seed },
    dir,
    onProgress: (done) => buildBar.update(done),
  });
  buildBar.stop();

  // What the index costs a serving process: RSS before and after loading it.
  const before = rssBytes(process.pid);
  const index = await VectorIndex.load(dir, { expectedChecksum: built.checksum });
  const after = rssBytes(process.pid);

  const byEf: EfResult[] = [];
  for (const ef of EFS) {
    index.setEf(ef);
    // Warm-up, so the first ef measured does not pay for JIT compilation.
    for (let i = 0; i < Math.min(20, q); i++) index.search(queries.subarray(i * dim, (i + 1) * dim), K);
    const passes = Array.from({ length: PASSES }, () => measureRecall(index, queries, truth, K));
    const rates = passes.map((p) => p.queriesPerSecond);
    byEf.push({ ef, recall: passes[0].recall, minRecall: passes[0].minRecall, queriesPerSecond: median(rates)!, passQueriesPerSecond: rates });
  }
  const own = data.clusters;
  const ownClusterShare = own ? truth.reduce((sum, hits, i) => sum + hits.filter((h) => own.ofRow[h.label] === own.ofQuery[i]).length / hits.length, 0) / q : null;
  return {
    dataset: data.name,
    ownClusterShare,
    vectors: labels.length,
    queries: q,
    dim,
    params: DEFAULT_INDEX_PARAMS,
    exact: { queriesPerSecond: q / exactSeconds, seconds: exactSeconds, rowBytes: rows.byteLength },
    hnsw: {
      buildSeconds: built.seconds,
      fileBytes: built.bytes,
      rssDeltaBytes: before !== null && after !== null ? after - before : null,
      byEf,
    },
  };
}

function comparisonTable(c: Comparison, describe: string): BenchTable {
  const p = c.params;
  return {
    title: `HNSW vs exact search: ${describe} — ${c.vectors.toLocaleString('en-US')} × ${c.dim}, ${c.queries} held-out queries, k ${K}`,
    digits: { [`recall@${K}`]: 4, 'min recall': 2 },
    rows: [
      {
        label: 'exact search (brute force)',
        metrics: { [`recall@${K}`]: 1, 'min recall': 1, 'q/s': c.exact.queriesPerSecond, 'ms/query': 1000 / c.exact.queriesPerSecond, 'build s': null, 'file MB': null, 'memory MB': c.exact.rowBytes / MB },
        ratios: { 'q/s vs exact': 1 },
      },
      ...c.hnsw.byEf.map((e) => ({
        label: `HNSW M ${p.M}, efC ${p.efConstruction}, ef ${e.ef}${e.ef === p.ef ? ' (default)' : ''}`,
        metrics: {
          [`recall@${K}`]: e.recall,
          'min recall': e.minRecall,
          'q/s': e.queriesPerSecond,
          'ms/query': 1000 / e.queriesPerSecond,
          'build s': c.hnsw.buildSeconds,
          'file MB': c.hnsw.fileBytes / MB,
          'memory MB': c.hnsw.rssDeltaBytes === null ? null : c.hnsw.rssDeltaBytes / MB,
        },
        ratios: { 'q/s vs exact': ratio(e.queriesPerSecond, c.exact.queriesPerSecond) },
      })),
    ],
    notes: [
      ...(c.ownClusterShare === null ? [] : [`clusters overlap like artists: ${(100 * c.ownClusterShare).toFixed(0)}% of a query's exact ${K} nearest are in its own cluster.`]),
      'memory: exact = the float32 rows it scans; HNSW = resident-memory growth of this process on loading the saved index.',
      `build: one worker thread inserting (as \`painter index\` does), including the checked save; q/s: one thread, median of ${PASSES} passes.`,
    ],
  };
}

function targets(c: Comparison | null, quick: boolean): TargetCheck[] {
  if (!c) return [];
  const atDefault = c.hnsw.byEf.find((e) => e.ef === c.params.ef)!;
  const speedup = ratio(atDefault.queriesPerSecond, c.exact.queriesPerSecond);
  const decided = c.vectors >= TARGET_VECTORS;
  const note = decided ? undefined : `measured at ${c.vectors.toLocaleString('en-US')} vectors${quick ? ' (--quick)' : ''}; the target is at ${TARGET_VECTORS.toLocaleString('en-US')}`;
  return [
    {
      target: `HNSW recall@${K} ≥ ${TARGET_RECALL} at ${TARGET_VECTORS.toLocaleString('en-US')} vectors (ef ${c.params.ef})`,
      measured: atDefault.recall.toFixed(4),
      pass: decided ? atDefault.recall >= TARGET_RECALL : null,
      note,
    },
    {
      target: `HNSW ≥ ${TARGET_SPEEDUP}× the queries/s of exact search at ${TARGET_VECTORS.toLocaleString('en-US')} vectors`,
      measured: speedup === null ? '–' : `${speedup.toFixed(1)}× (${atDefault.queriesPerSecond.toFixed(0)} vs ${c.exact.queriesPerSecond.toFixed(1)} q/s)`,
      pass: decided && speedup !== null ? speedup >= TARGET_SPEEDUP : null,
      note,
    },
  ];
}

function syntheticDataset(ctx: BenchContext): Dataset {
  const clusters = ctx.quick ? 200 : 2000;
  const perCluster = 50;
  const queries = ctx.quick ? 200 : 500;
  ctx.log(`generating ${(clusters * perCluster).toLocaleString('en-US')} clustered ${ARTIST_LIKE.dim}-d vectors (${clusters} clusters of ${perCluster}) and ${queries} held-out queries`);
  const data = clusteredVectors({ ...ARTIST_LIKE, clusters, perCluster, seed: ctx.seed });
  const queryData = heldOutQueries(data, queries, ctx.seed);
  return {
    name: 'synthetic',
    rows: data.rows,
    labels: Array.from({ length: clusters * perCluster }, (_, i) => i),
    dim: ARTIST_LIKE.dim,
    queries: queryData.rows,
    describe: `synthetic, ${clusters} overlapping clusters of ${perCluster} (latent dim ${ARTIST_LIKE.latentDim})`,
    clusters: { ofRow: data.clusterOf, ofQuery: queryData.clusterOf },
    spec: { ...data.spec },
  };
}

/** The served corpus minus a seeded sample of its paintings, which become the queries. */
async function corpusDataset(ctx: BenchContext): Promise<Dataset | string> {
  const served = await loadServedEmbeddings(ctx.dataDir);
  if ('missing' in served) return served.missing;
  const { dim } = served;
  const n = served.labels.length;
  const q = Math.min(ctx.quick ? 200 : 500, Math.floor(n / 10));
  if (q < 1) return `the index in ${ctx.dataDir} holds only ${n} paintings`;
  const order = new Rng(ctx.seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const queries = new Float32Array(q * dim);
  const rows = new Float32Array(new SharedArrayBuffer((n - q) * dim * 4));
  order.forEach((row, i) => {
    const v = served.rows.subarray(row * dim, (row + 1) * dim);
    if (i < q) queries.set(v, i * dim);
    else rows.set(v, (i - q) * dim);
  });
  return {
    name: 'corpus',
    rows,
    labels: order.slice(q).map((row) => served.labels[row]),
    dim,
    queries,
    describe: `corpus embeddings (model v${served.modelVersion}, index ${served.buildId} in ${ctx.dataDir}), paintings held out as queries`,
  };
}

export const hnswSection: BenchSection = {
  name: 'hnsw',
  description: 'HNSW vs exact search: recall@10, queries/s, build time, memory (synthetic 100,000 × 2048 and the indexed corpus)',
  async run(ctx): Promise<BenchResult> {
    const tables: BenchTable[] = [];
    const raw: Record<string, unknown> = {};

    const corpus = await corpusDataset(ctx);
    if (typeof corpus === 'string') {
      ctx.log(`corpus embeddings: skipped — ${corpus}`);
      raw.corpus = { skipped: corpus };
    } else {
      const c = await compare(ctx, corpus);
      tables.push(comparisonTable(c, corpus.describe));
      raw.corpus = c;
    }

    let s: Comparison | null = null;
    if (ctx.synthetic) {
      const synthetic = syntheticDataset(ctx);
      s = await compare(ctx, synthetic);
      tables.push(comparisonTable(s, synthetic.describe));
      raw.synthetic = { ...s, spec: synthetic.spec };
    }

    return {
      tables,
      targets: targets(s, ctx.quick),
      raw,
      skipped: typeof corpus === 'string' ? `corpus embeddings: ${corpus}` : undefined,
    };
  },
};
