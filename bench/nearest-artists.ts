/**
 * The serving index on an imported corpus: recall@10 against exact search at several ef values,
 * top-1 / top-5 nearest-artist accuracy of test-split paintings queried against the rest of the
 * corpus (their own image excluded) for each artist ranking, and nearest-artist latency by id and
 * by upload; with the model's cohort (stored by `painter index`), the same rankings over
 * cohort-normalised distances and what normalising costs a query (its radius against the cohort).
 * Uses the configured database and the newest complete index (`painter index` first).
 *
 *   npx tsx bench/nearest-artists.ts [--queries 500] [--latency 200] [--uploads 40] [--out FILE]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/compute/backend.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories/repositories.js';
import { groundTruth, measureRecall } from '../src/index/recall.js';
import { ARTIST_AGGREGATIONS, rankArtists } from '../src/search/aggregate-artists.js';
import { Rng } from '../src/util/random.js';
import { createNotifier } from '../src/db/notifier.js';
import { HnswlibBuildVectors } from '../src/vector-store/hnswlib-store.js';
import { VectorStores } from '../src/vector-store/vector-stores.js';
import { createServices } from '../server/create-services.js';
import { quantile } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '500' },
    latency: { type: 'string', default: '200' },
    uploads: { type: 'string', default: '40' },
    out: { type: 'string', default: 'bench/results/nearest-artists.json' },
  },
});

const cfg = loadConfig();
await initBackend(cfg.backend);
const db = await openDatabase(cfg);
const repos = createRepositories(db);
const log = { info: (m: string) => process.stderr.write(m + '\n'), warn: (m: string) => process.stderr.write(`warning: ${m}\n`) };
const notifier = await createNotifier(db);
const core = createServices(cfg, repos, { stores: new VectorStores(cfg, db, repos), notifier }, log);
try {
  const serving = await core.indexes.start();
  if (!serving) throw new Error('no complete index: run `painter index` first');
  // hnswlib's own ef and label filters are measured here; `npm run bench -- --only vector-store` compares the stores.
  if (!(serving.index instanceof HnswlibBuildVectors)) throw new Error('the served build is not an hnswlib build (PAINTER_VECTOR_STORE=hnswlib)');
  const index = serving.index.index;
  const build = await repos.builds.get(serving.buildId);
  const corpus = new Map((await repos.catalog.corpus()).map((p) => [p.id, p]));
  const labels = index.labels();
  const dim = index.dim;
  const rows = new Float32Array(labels.length * dim);
  labels.forEach((l, i) => rows.set(index.vector(l), i * dim));
  const rng = new Rng(11);

  // Recall@10 of the index against exact search, over corpus vectors as queries.
  const sample = rng.sample(labels, Math.min(Number(values.queries), labels.length));
  const queries = new Float32Array(sample.length * dim);
  sample.forEach((l, i) => queries.set(index.vector(l), i * dim));
  const truth = groundTruth({ rows, labels, dim }, queries, 10);
  const recall = [10, 20, 50, 100, 200].map((ef) => {
    index.setEf(ef);
    const r = measureRecall(index, queries, truth.neighbours, 10);
    return { ef, recall: r.recall, minRecall: r.minRecall, queriesPerSecond: r.queriesPerSecond };
  });
  index.setEf(serving.params.ef);

  // Top-k artist accuracy of every test painting against the rest of the corpus.
  const test = labels.filter((l) => corpus.get(l)?.split === 'test');
  const norms = serving.norms;
  const methods = [...ARTIST_AGGREGATIONS.map((m) => ({ name: m, method: m, csls: false })), ...(norms ? ARTIST_AGGREGATIONS.map((m) => ({ name: `${m} (CSLS)`, method: m, csls: true })) : [])];
  const accuracy = Object.fromEntries(methods.map((m) => [m.name, { top1: 0, top5: 0 }]));
  for (const label of test) {
    const own = corpus.get(label)!.artistId!;
    const hits = await serving.index.search(index.vector(label), 51, { excludeId: label, labelledOnly: true });
    const neighbours = hits.map((h) => ({ label: h.label, distance: h.distance, artistId: h.artistId! }));
    const rx = (await serving.index.get(label))?.radius ?? 0;
    const normalised = hits.map((h, i) => ({ ...neighbours[i], score: h.distance - (rx + (h.radius ?? 0)) / 2 }));
    for (const m of methods) {
      const ranked = rankArtists(m.csls ? normalised : neighbours, m.method).map((a) => a.artistId);
      if (ranked[0] === own) accuracy[m.name].top1++;
      if (ranked.slice(0, 5).includes(own)) accuracy[m.name].top5++;
    }
  }
  for (const m of methods) {
    accuracy[m.name].top1 /= test.length;
    accuracy[m.name].top5 /= test.length;
  }
  // What normalising adds to a query: its radius against the cohort (an indexed painting's is stored).
  const radiusMs: number[] = [];
  if (norms) {
    for (const label of rng.sample(test, Math.min(Number(values.latency), test.length))) {
      const t = performance.now();
      await norms.cohort.radii(index.vector(label));
      radiusMs.push(performance.now() - t);
    }
  }

  // Latency through the query service (what a request costs without HTTP).
  const byId: number[] = [];
  for (const label of rng.sample(test, Math.min(Number(values.latency), test.length))) {
    const t = performance.now();
    await core.queries.nearestArtists({ kind: 'painting', paintingId: label }, { k: 5 });
    byId.push(performance.now() - t);
  }
  const catalog = repos.catalog;
  const files = await catalog.getPaintings(rng.sample(test, Math.min(Number(values.uploads), test.length)));
  const byUpload: number[] = [];
  let first = true;
  for (const p of files.values()) {
    const bytes = await readFile(p.filePath);
    const t = performance.now();
    await core.queries.nearestArtists({ kind: 'upload', bytes }, { k: 5 });
    // The first upload loads the backbone; it is reported apart.
    if (!first) byUpload.push(performance.now() - t);
    first = false;
  }

  const report = {
    corpus: labels.length,
    testQueries: test.length,
    modelVersion: serving.modelVersion,
    index: { id: serving.buildId, params: serving.params, buildSeconds: build?.buildSeconds ?? null },
    exactQueriesPerSecond: truth.queriesPerSecond,
    recall,
    accuracy,
    cohort: norms ? { paintings: norms.cohort.size, k: norms.cohort.params.k, radiusMs: { median: quantile(radiusMs, 0.5), p95: quantile(radiusMs, 0.95), n: radiusMs.length } } : null,
    latencyMs: {
      byId: { median: quantile(byId, 0.5), p95: quantile(byId, 0.95), n: byId.length },
      byUpload: { median: quantile(byUpload, 0.5), p95: quantile(byUpload, 0.95), n: byUpload.length },
    },
  };
  console.log(`corpus ${report.corpus} paintings, model v${report.modelVersion}, index ${report.index.id} built in ${report.index.buildSeconds?.toFixed(1)} s`);
  console.log('ef    recall@10  min     queries/s   (exact: ' + truth.queriesPerSecond.toFixed(0) + ' queries/s)');
  for (const r of recall) console.log(`${String(r.ef).padEnd(6)}${r.recall.toFixed(4).padEnd(11)}${r.minRecall.toFixed(2).padEnd(8)}${r.queriesPerSecond.toFixed(0)}`);
  console.log(`artist ranking (${test.length} test paintings)   top-1    top-5`);
  for (const m of methods) console.log(`${m.name.padEnd(32)}${accuracy[m.name].top1.toFixed(3).padEnd(9)}${accuracy[m.name].top5.toFixed(3)}`);
  if (report.cohort) console.log(`cohort radius of a query (${report.cohort.paintings} cohort paintings, K ${report.cohort.k}): median ${report.cohort.radiusMs.median?.toFixed(2)} ms, p95 ${report.cohort.radiusMs.p95?.toFixed(2)} ms`);
  console.log(`nearest artists by id: median ${report.latencyMs.byId.median?.toFixed(1)} ms, p95 ${report.latencyMs.byId.p95?.toFixed(1)} ms`);
  console.log(`nearest artists by upload: median ${report.latencyMs.byUpload.median?.toFixed(1)} ms, p95 ${report.latencyMs.byUpload.p95?.toFixed(1)} ms`);
  await mkdir(dirname(values.out!), { recursive: true });
  await writeFile(values.out!, JSON.stringify(report, null, 2) + '\n');
} finally {
  await core.close();
  await notifier.close();
  await db.close();
}
