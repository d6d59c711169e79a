/**
 * Sweeps HNSW parameters to choose M / efConstruction / ef: for each setting, recall@k against
 * exact search on held-out queries, queries per second, build time and index file size.
 *   npx tsx bench/hnsw-params.ts --synthetic 10000
 *   npx tsx bench/hnsw-params.ts --vectors embeddings.f32 --dim 2048
 * Options: --queries 500  --M 8,16,32  --ef-construction 100,200  --ef 10,20,50,100,200  --k 10
 *          --target 0.99  --seed 1  --out bench/results/hnsw-params.json
 * --vectors is raw little-endian float32 rows; --synthetic N draws N clustered vectors (--dim,
 * default 2048) at Euclidean distances like the encoder's (0–10).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { groundTruth, measureRecall } from '../src/index/recall.js';
import { VectorIndex } from '../src/index/vector-index.js';
import { writeJsonAtomic } from '../src/util/files.js';
import { Rng } from '../src/util/random.js';

const { values: args } = parseArgs({
  options: {
    vectors: { type: 'string' },
    dim: { type: 'string' },
    synthetic: { type: 'string' },
    queries: { type: 'string', default: '500' },
    M: { type: 'string', default: '8,16,32' },
    'ef-construction': { type: 'string', default: '100,200' },
    ef: { type: 'string', default: '10,20,50,100,200' },
    k: { type: 'string', default: '10' },
    target: { type: 'string', default: '0.99' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench/results/hnsw-params.json' },
  },
});

interface Row {
  M: number;
  efConstruction: number;
  ef: number;
  recall: number;
  minRecall: number;
  queriesPerSecond: number;
  buildSeconds: number;
  bytes: number;
}

function intList(flag: string, text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) fail(`--${flag} must be a comma-separated list of positive integers`);
  return list;
}

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${flag} must be a positive integer`);
  return n;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * n/20 Gaussian clusters of varying spread. Centre spread 0.09 and point spread 0.02–0.05 per
 * coordinate give, at 2048-d, about 6 between clusters and 1.3–3.2 within one.
 */
function synthetic(n: number, dim: number, rng: Rng): Float32Array {
  const clusters = Math.max(1, Math.round(n / 20));
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = 0.09 * gaussian(rng);
  const spread = Array.from({ length: clusters }, () => rng.uniform(0.02, 0.05));
  const rows = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const c = rng.int(clusters);
    for (let j = 0; j < dim; j++) rows[r * dim + j] = centres[c * dim + j] + spread[c] * gaussian(rng);
  }
  return rows;
}

async function readVectors(path: string, dim: number): Promise<Float32Array> {
  const bytes = await readFile(path);
  if (bytes.byteLength % (dim * 4) !== 0) fail(`${path}: ${bytes.byteLength} bytes is not a whole number of ${dim}-d float32 rows`);
  // Copy: a Buffer's offset into its pool need not be 4-byte aligned.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Splits rows into a corpus and `q` held-out queries, chosen by a seeded shuffle. */
function holdOut(all: Float32Array, dim: number, q: number, rng: Rng): { corpus: Float32Array; queries: Float32Array } {
  const n = all.length / dim;
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const take = (ids: number[]) => {
    const out = new Float32Array(ids.length * dim);
    ids.forEach((id, i) => out.set(all.subarray(id * dim, (id + 1) * dim), i * dim));
    return out;
  };
  return { queries: take(order.slice(0, q)), corpus: take(order.slice(q)) };
}

function table(rows: Row[], exactQps: number, k: number): string {
  const head = ['M', 'efC', 'ef', `recall@${k}`, 'min', 'q/s', 'exact q/s', 'build s', 'MB'];
  const body = rows.map((r) => [
    String(r.M),
    String(r.efConstruction),
    String(r.ef),
    r.recall.toFixed(4),
    r.minRecall.toFixed(2),
    r.queriesPerSecond.toFixed(0),
    exactQps.toFixed(1),
    r.buildSeconds.toFixed(1),
    (r.bytes / 1e6).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

/** Cheapest = fastest queries among settings reaching the target (serving cost dominates); then the quicker build. */
function cheapest(rows: Row[], target: number): Row | null {
  const ok = rows.filter((r) => r.recall >= target);
  ok.sort((a, b) => b.queriesPerSecond - a.queriesPerSecond || a.buildSeconds - b.buildSeconds);
  return ok[0] ?? null;
}

async function main(): Promise<void> {
  const seed = positiveInt('seed', args.seed);
  const k = positiveInt('k', args.k);
  const q = positiveInt('queries', args.queries);
  const target = Number(args.target);
  const Ms = intList('M', args.M);
  const efCs = intList('ef-construction', args['ef-construction']);
  const efs = intList('ef', args.ef);
  const rng = new Rng(seed);

  let dim: number;
  let all: Float32Array;
  let source: string;
  if (args.vectors) {
    dim = positiveInt('dim', args.dim);
    all = await readVectors(args.vectors, dim);
    source = args.vectors;
  } else if (args.synthetic) {
    dim = args.dim ? positiveInt('dim', args.dim) : 2048;
    const n = positiveInt('synthetic', args.synthetic);
    all = synthetic(n, dim, rng);
    source = `synthetic:${n}`;
  } else {
    fail('Give --vectors FILE --dim D or --synthetic N');
  }
  const n = all.length / dim;
  if (q >= n) fail(`--queries ${q} leaves no corpus out of ${n} vectors`);
  const { corpus, queries } = holdOut(all, dim, q, rng);
  const labels = Array.from({ length: n - q }, (_, i) => i);
  console.log(`${source}: ${n - q} corpus vectors, ${q} queries, dim ${dim}`);

  const truth = groundTruth({ rows: corpus, labels, dim }, queries, k);
  console.log(`exact search: ${truth.queriesPerSecond.toFixed(1)} queries/s`);

  const tmp = await mkdtemp(join(tmpdir(), 'hnsw-params-'));
  const rows: Row[] = [];
  try {
    for (const M of Ms) {
      for (const efConstruction of efCs) {
        const started = performance.now();
        const index = VectorIndex.create(dim, { M, efConstruction, ef: efs[0], capacity: labels.length, seed });
        for (let i = 0; i < labels.length; i++) index.add(labels[i], corpus.subarray(i * dim, (i + 1) * dim));
        const buildSeconds = (performance.now() - started) / 1000;
        const { bytes } = await index.save(join(tmp, `M${M}-efc${efConstruction}`));
        console.log(`built M=${M} efConstruction=${efConstruction} in ${buildSeconds.toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB`);
        for (const ef of efs) {
          index.setEf(ef);
          // Warm-up, so the first ef measured does not pay for JIT compilation.
          for (let i = 0; i < Math.min(20, q); i++) index.search(queries.subarray(i * dim, (i + 1) * dim), k);
          const r = measureRecall(index, queries, truth.neighbours, k);
          rows.push({ M, efConstruction, ef, recall: r.recall, minRecall: r.minRecall, queriesPerSecond: r.queriesPerSecond, buildSeconds, bytes });
        }
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  console.log('\n' + table(rows, truth.queriesPerSecond, k));
  const best = cheapest(rows, target);
  console.log(
    best
      ? `\ncheapest setting with recall@${k} >= ${target}: M=${best.M} efConstruction=${best.efConstruction} ef=${best.ef} ` +
          `(recall ${best.recall.toFixed(4)}, ${best.queriesPerSecond.toFixed(0)} q/s, build ${best.buildSeconds.toFixed(1)} s, ${(best.bytes / 1e6).toFixed(1)} MB)`
      : `\nno setting reached recall@${k} >= ${target}; raise --ef or --M`,
  );

  const out = args.out;
  await writeJsonAtomic(out, {
    createdAt: new Date().toISOString(),
    input: { source, corpus: n - q, queries: q, dim, k, seed },
    exact: { queriesPerSecond: truth.queriesPerSecond },
    target,
    results: rows,
    cheapest: best,
  });
  console.log(`wrote ${out}`);
}

await main();
