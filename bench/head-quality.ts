/**
 * `npm run head-quality`: a trained head measured the way the README reports quality — on unseen
 * artists, over several artist-disjoint splits — straight from cached backbone features, without
 * an import, a model folder or an index per seed. Per seed it splits the dataset as `painter import
 * --seed` does, trains the head with the product's own trainer and configuration
 * (`resolveTrainingConfig`, the same feature transform, the best validation epoch kept), then
 * scores the test artists as `painter evaluate` does: pair AUC, same-style AUC, triplet accuracy,
 * and top-1 / top-5 nearest artist of every test painting against the whole corpus (its own
 * painting left out; artists ranked by the server's rule over exact neighbours).
 *
 * `--embed-views center,flip` scores each set of embedding views on the same trained head (a
 * painting embedded as the mean of its views' embeddings), so test-time augmentation is compared
 * within one run. `--more-artists DIR` answers "does training on more artists help unseen ones?":
 * for each seed it trains one head on the training artists and one on every artist of
 * `--dataset` (`painter train --all-artists`), and scores both on the artists that only the
 * superset DIR has (wikiart-large over wikiart), with the same metrics among those paintings.
 *
 *   npm run head-quality -- --dataset ../shared/datasets/wikiart-large --embed-views center,flip
 *   npm run head-quality -- --dataset ../shared/datasets/wikiart --more-artists ../shared/datasets/wikiart-large
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractBackboneFeatures } from '../src/backbone/extract.js';
import { EMBED_VIEW_SET_NAMES, VIEW_SETS, viewKey, type EmbedViewSetName, type ViewSpec } from '../src/backbone/views.js';
import { initBackend } from '../src/compute/backend.js';
import { scanDataset } from '../src/dataset/scan.js';
import { splitByArtist } from '../src/dataset/split.js';
import { buildHead } from '../src/encoders/architectures.js';
import { BACKBONE_NAMES, getBackboneChoice } from '../src/encoders/backbone-choices.js';
import { meanOfViews } from '../src/encoders/embedding-space.js';
import { applyFeatureTransform, fitFeatureTransform, transformedDim } from '../src/encoders/feature-transform.js';
import { evaluateEmbeddings } from '../src/evaluation/evaluate-embeddings.js';
import { exactNeighbours } from '../src/evaluation/exact-neighbours.js';
import { identificationAccuracy } from '../src/evaluation/identify.js';
import { DEFAULT_NEIGHBOURS } from '../src/search/aggregate-artists.js';
import { resolveTrainingConfig, type TrainingOverrides } from '../training/config.js';
import { FeatureSource } from '../training/inputs/feature-source.js';
import { embedItems, trainEncoder } from '../training/trainer.js';
import { meanStd } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    backbone: { type: 'string', default: 'mobilenet' },
    seeds: { type: 'string', default: '42,7,1234' },
    'embed-views': { type: 'string', default: 'center' },
    'more-artists': { type: 'string' },
    train: { type: 'string', default: '{}' },
    cache: { type: 'string', default: 'data/cache' },
    out: { type: 'string' },
  },
});
if (!values.dataset) {
  process.stderr.write(
    `usage: npm run head-quality -- --dataset DIR [--backbone ${BACKBONE_NAMES.join('|')}] [--seeds 42,7,1234] [--embed-views ${EMBED_VIEW_SET_NAMES.join(',')}] [--more-artists SUPERSET_DIR] [--train '{"epochs":6}'] [--cache DIR] [--out FILE]\n`,
  );
  process.exit(2);
}
const SEEDS = values.seeds!.split(',').map((s) => Number(s.trim()));
const embedSets = values['embed-views']!.split(',').map((s) => s.trim()) as EmbedViewSetName[];
for (const s of embedSets) if (!(EMBED_VIEW_SET_NAMES as readonly string[]).includes(s)) throw new Error(`--embed-views: unknown set "${s}"; choose from ${EMBED_VIEW_SET_NAMES.join(', ')}`);
const trainOverrides = JSON.parse(values.train!) as TrainingOverrides;
const choice = getBackboneChoice(values.backbone!);

await initBackend('wasm');
const checkpoints = await mkdtemp(join(tmpdir(), 'head-quality-'));
interface Row {
  path: string;
  relPath: string;
  artist: string;
  style: string | null;
}
const scanOf = async (dir: string): Promise<Row[]> => {
  const scan = await scanDataset(resolve(dir), { onProgress: (n, t) => n % 2000 === 0 && process.stderr.write(`scan ${dir}: ${n}/${t}\n`) });
  return scan.paintings.map((p) => ({ path: join(scan.root, p.relPath), relPath: p.relPath, artist: p.artist, style: p.style ?? null }));
};
const own = await scanOf(values.dataset);
// With --more-artists the rows are the superset's: the dataset's paintings (matched by path) and the new artists' ones.
const superset = values['more-artists'] ? await scanOf(values['more-artists']) : null;
const rows = superset ?? own;
const ownPaths = new Set(own.map((p) => p.relPath));
const ownArtists = new Set(own.map((p) => p.artist));
const inDataset = rows.map((_, i) => i).filter((i) => ownPaths.has(rows[i].relPath));
const newArtists = superset ? rows.map((_, i) => i).filter((i) => !ownArtists.has(rows[i].artist)) : [];

// Every view an embedding set needs, each extracted (or read from the cache) once.
const views: ViewSpec[] = [];
for (const set of embedSets) for (const v of VIEW_SETS[set]) if (!views.some((w) => viewKey(w) === viewKey(v))) views.push(v);
const f = await extractBackboneFeatures(
  rows.map((p) => p.path),
  { spec: choice.spec, cacheDir: join(resolve(values.cache!), 'backbone'), views, onProgress: (d, n, ips) => d % 1000 === 0 && process.stderr.write(`features ${d}/${n} ${ips.toFixed(1)} img/s\n`) },
);
const viewRows = new Map(views.map((v, i) => [viewKey(v), f.views[i]]));
const artistIds = new Map<string, number>();
const artistOf = rows.map((p) => artistIds.get(p.artist) ?? artistIds.set(p.artist, artistIds.size).get(p.artist)!);

interface Trained {
  seed: number;
  bestEpoch: number;
  trainSeconds: number;
  /** Embeddings of `indices` under an embedding view set. */
  embed(set: EmbedViewSetName, indices: number[]): Float32Array;
  dispose(): void;
}

/** The product's head trained on `train` (rows), the best epoch chosen on `validation`. */
async function trainHead(seed: number, train: number[], validation: number[], label: string): Promise<Trained> {
  const started = performance.now();
  const base = viewRows.get(viewKey(views[0]))!;
  const trainRows = new Float32Array(train.length * f.dim);
  train.forEach((r, i) => trainRows.set(base.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  const transform = fitFeatureTransform(trainRows, f.dim, f.blocks, choice.featureBlocks, true);
  const inputs = new Map([...viewRows].map(([k, v]) => [k, applyFeatureTransform(v, f.dim, transform)]));
  const inDim = transformedDim(transform);
  const { config, preset } = resolveTrainingConfig({ ...trainOverrides, preset: 'pretrained', seed, backbone: choice.name });
  const model = buildHead({ inputDim: inDim, hidden: preset.hidden ?? [], embeddingDim: preset.embeddingDim, seed });
  const local = new Map<string, number>();
  const ids = train.map((r) => local.get(rows[r].artist) ?? local.set(rows[r].artist, local.size).get(rows[r].artist)!);
  const result = await trainEncoder({
    model,
    config,
    inputs: new FeatureSource([inputs.get(viewKey(views[0]))!], inDim),
    train: { indices: train, artistIds: ids },
    validation: { indices: validation, items: validation.map((r) => ({ artist: rows[r].artist, style: rows[r].style })) },
    checkpointDir: join(checkpoints, `${seed}-${label.replace(/\W+/g, '-')}`),
    onEpoch: (m) => void process.stderr.write(`seed ${seed} ${label}: epoch ${m.epoch} loss ${m.trainLoss.toFixed(3)} validation AUC ${m.valAuc?.toFixed(4)} (${m.seconds.toFixed(0)} s)\n`),
  });
  const trainSeconds = (performance.now() - started) / 1000;
  return {
    seed,
    bestEpoch: result.bestEpoch,
    trainSeconds,
    embed: (set, indices) =>
      meanOfViews(
        VIEW_SETS[set].map((v) => embedItems(model, new FeatureSource([inputs.get(viewKey(v))!], inDim), indices, config.embeddingScale)),
        preset.embeddingDim,
        config.embeddingScale,
      ),
    dispose: () => model.dispose(),
  };
}

interface Scores {
  auc: number;
  sameStyle: number;
  triplet: number;
  top1: number;
  top5: number;
}

/** `queries` (rows of `corpus`) scored among themselves (pairs) and against `corpus` (nearest artist, own row left out). */
async function score(head: Trained, set: EmbedViewSetName, queries: number[], corpus: number[]): Promise<Scores> {
  const dim = 2048;
  const c = head.embed(set, corpus);
  const at = new Map(corpus.map((r, i) => [r, i]));
  const q = new Float32Array(queries.length * dim);
  queries.forEach((r, i) => q.set(c.subarray(at.get(r)! * dim, (at.get(r)! + 1) * dim), i * dim));
  const ev = evaluateEmbeddings(q, dim, queries.map((r) => ({ artist: rows[r].artist, style: rows[r].style })), { seed: 42, triplets: 10_000 });
  const neighbours = await exactNeighbours(c, dim, q, DEFAULT_NEIGHBOURS, queries.map((r) => at.get(r)!));
  const id = identificationAccuracy(neighbours, queries.map((r) => artistOf[r]), corpus.map((r) => artistOf[r]), corpus.length);
  return { auc: ev.auc, sameStyle: ev.aucSameStyle ?? Number.NaN, triplet: ev.tripletAccuracy, top1: id.top1, top5: id.top5 };
}

const results: Record<string, unknown>[] = [];
for (const seed of SEEDS) {
  const split = splitByArtist(inDataset.map((r) => rows[r]), { seed });
  const part = (s: string) => inDataset.filter((_, i) => split[i] === s);
  const [train, validation, test] = [part('train'), part('validation'), part('test')];
  if (!superset) {
    const head = await trainHead(seed, train, validation, 'training artists');
    for (const set of embedSets) {
      const s = await score(head, set, test, inDataset);
      results.push({ seed, heads: 'training artists', embedViews: set, evaluatedOn: 'test artists', ...s, bestEpoch: head.bestEpoch, trainSeconds: head.trainSeconds });
      process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
    }
    head.dispose();
    continue;
  }
  for (const [heads, on] of [['training artists', train], ['all artists', [...train, ...test]]] as const) {
    const head = await trainHead(seed, [...on], validation, heads);
    for (const set of embedSets) {
      const s = await score(head, set, newArtists, newArtists);
      results.push({ seed, heads, trainArtists: new Set(on.map((r) => rows[r].artist)).size, embedViews: set, evaluatedOn: 'artists only the superset has', ...s, bestEpoch: head.bestEpoch, trainSeconds: head.trainSeconds });
      process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
    }
    head.dispose();
  }
}

const groups = new Map<string, Record<string, unknown>[]>();
for (const r of results) {
  const key = `${r.heads} | ${r.embedViews}`;
  groups.set(key, [...(groups.get(key) ?? []), r]);
}
const fmt = (v: number[]) => {
  const { mean, std } = meanStd(v);
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
};
console.log(`${values.dataset}${superset ? ` → new artists of ${values['more-artists']} (${newArtists.length} paintings)` : ''}, ${choice.name}, seeds ${SEEDS.join(', ')}; mean ± sd`);
console.log('| heads | embedding views | AUC | same-style AUC | triplet acc. | top-1 | top-5 | train s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, rs] of groups) {
  const col = (k: string) => fmt(rs.map((r) => r[k] as number));
  const [heads, set] = key.split(' | ');
  console.log(`| ${heads} | ${set} | ${col('auc')} | ${col('sameStyle')} | ${col('triplet')} | ${col('top1')} | ${col('top5')} | ${meanStd(rs.map((r) => r.trainSeconds as number)).mean.toFixed(0)} |`);
}
if (values.out) writeFileSync(values.out, JSON.stringify({ dataset: values.dataset, moreArtists: values['more-artists'] ?? null, backbone: choice.name, train: trainOverrides, results }, null, 1));
await rm(checkpoints, { recursive: true, force: true });
