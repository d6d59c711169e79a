/**
 * `npm run backbone-quality`: how well a frozen backbone's features tell unseen artists apart
 * before any head is trained — pair ROC AUC and same-style AUC of its blocks alone and together,
 * over several artist-disjoint splits. Rows: the chosen blocks, each L2-normalised and centred on
 * the training split's mean (the head's own feature transform), the row then put on the radius-5
 * sphere; scored like `painter evaluate`. "Best" combinations are chosen by greedy forward
 * selection on pairs of the training artists only; the test artists are never looked at.
 *
 *   npm run backbone-quality -- --dataset ../shared/datasets/wikiart --backbone both --cache data/cache
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractBackboneFeatures } from '../src/backbone/extract.js';
import { scanDataset } from '../src/dataset/scan.js';
import { splitByArtist } from '../src/dataset/split.js';
import { BACKBONE_NAMES, getBackboneChoice } from '../src/encoders/backbone-choices.js';
import { normaliseRows } from '../src/encoders/embedding-space.js';
import { applyFeatureTransform, fitFeatureTransform, normaliseBlocks, columnMean } from '../src/encoders/feature-transform.js';
import { DEFAULT_FEATURE_BLOCKS } from '../src/encoders/backbone-defaults.js';
import { evaluateEmbeddings } from '../src/evaluation/evaluate-embeddings.js';
import { differentArtistPairs, sameArtistPairs, type Pair } from '../src/evaluation/pairs.js';
import { rocAuc } from '../src/metrics/roc.js';
import { Rng } from '../src/util/random.js';
import { meanStd } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    backbone: { type: 'string', default: 'both' },
    seeds: { type: 'string', default: '42,7,1234' },
    cache: { type: 'string', default: 'data/cache' },
    out: { type: 'string' },
  },
});
if (!values.dataset) {
  process.stderr.write(`usage: npm run backbone-quality -- --dataset DIR [--backbone ${BACKBONE_NAMES.join('|')}] [--seeds 42,7,1234] [--cache DIR] [--out FILE]\n`);
  process.exit(2);
}
const SEEDS = values.seeds!.split(',').map((s) => Number(s.trim()));
const SCALE = 5;
const scan = await scanDataset(resolve(values.dataset), { onProgress: (n, t) => n % 1000 === 0 && process.stderr.write(`scan ${n}/${t}\n`) });
const paintings = scan.paintings.map((p) => ({ relPath: p.relPath, path: join(scan.root, p.relPath), artist: p.artist, style: p.style ?? null }));
const spec = getBackboneChoice(values.backbone!).spec;
const f = await extractBackboneFeatures(paintings.map((p) => p.path), {
  spec,
  cacheDir: join(resolve(values.cache!), 'backbone'),
  onProgress: (d, n, ips) => d % 500 === 0 && process.stderr.write(`features ${d}/${n} ${ips.toFixed(1)} img/s\n`),
});
const { dim, blocks } = f;
const raw = f.views[0];
const names = new Set(blocks.map((b) => b.name));
process.stderr.write(`${values.backbone}: ${paintings.length} rows × ${dim} (${blocks.length} blocks)\n`);

/** Rows of `idx`, contiguous. */
function gather(idx: number[]): Float32Array {
  const m = new Float32Array(idx.length * dim);
  idx.forEach((r, i) => m.set(raw.subarray(r * dim, (r + 1) * dim), i * dim));
  return m;
}

const mobileNet = (b: string) => (names.has(`MobileNetV2/${b}`) ? `MobileNetV2/${b}` : b);
const inception = (b: string) => (names.has(`InceptionV3/${b}`) ? `InceptionV3/${b}` : b);
const layer = (name: string, l: string) => [`${l}.mean`, `${l}.std`, `${l}.gram`].map((b) => (name === 'i' ? inception(b) : mobileNet(b)));

interface Config {
  label: string;
  use: string[];
}
const fixed: Config[] = [];
if (names.has(mobileNet('pooled')) && names.has(mobileNet('block_3.mean'))) {
  fixed.push({ label: 'MobileNetV2 default blocks', use: DEFAULT_FEATURE_BLOCKS.map(mobileNet) });
  fixed.push({ label: 'MobileNetV2 pooled', use: [mobileNet('pooled')] });
}
const hasInception = names.has(inception('mixed0.mean'));
if (hasInception) {
  fixed.push({ label: 'InceptionV3 pooled', use: [inception('pooled')] });
  for (let k = 0; k <= 10; k++) fixed.push({ label: `InceptionV3 mixed${k} (mean+std+gram)`, use: layer('i', `mixed${k}`) });
  for (let k = 0; k <= 10; k++) fixed.push({ label: `InceptionV3 mixed${k}.gram`, use: [inception(`mixed${k}.gram`)] });
  fixed.push({ label: 'InceptionV3 all blocks', use: blocks.filter((b) => b.name.startsWith('InceptionV3/') || !b.name.includes('/')).map((b) => b.name).filter((n) => !n.startsWith('MobileNetV2/')) });
}
if (hasInception && names.has('MobileNetV2/pooled')) {
  fixed.push({ label: 'MobileNetV2 default + InceptionV3 pooled', use: [...DEFAULT_FEATURE_BLOCKS.map(mobileNet), inception('pooled')] });
}

/** Pair-level pieces for fast greedy selection: per block, centred unit vectors' dot products and squared norms. */
function selectionData(trainIdx: number[], selIdx: number[], candidates: string[], seed: number) {
  const items = selIdx.map((i) => paintings[i]);
  const rng = new Rng(seed);
  let same = sameArtistPairs(items);
  if (same.length > 20000) same = rng.sample(same, 20000);
  const diff = differentArtistPairs(items, same.length, Rng.derive(seed, 1));
  const pairs: Pair[] = [...same, ...diff];
  const trainRows = gather(trainIdx);
  const selRows = gather(selIdx);
  const per = new Map<string, { dot: Float64Array; sq: Float64Array }>();
  for (const name of candidates) {
    const b = blocks.find((x) => x.name === name)!;
    const mean = columnMean(normaliseBlocks(trainRows, dim, blocks, [name]), b.dim);
    const c = normaliseBlocks(selRows, dim, blocks, [name]);
    for (let r = 0; r < selIdx.length; r++) for (let k = 0; k < b.dim; k++) c[r * b.dim + k] -= mean[k];
    const sq = new Float64Array(selIdx.length);
    for (let r = 0; r < selIdx.length; r++) {
      let s = 0;
      for (let k = 0; k < b.dim; k++) s += c[r * b.dim + k] ** 2;
      sq[r] = s;
    }
    const dot = new Float64Array(pairs.length);
    pairs.forEach(([a, z], p) => {
      let s = 0;
      for (let k = 0; k < b.dim; k++) s += c[a * b.dim + k] * c[z * b.dim + k];
      dot[p] = s;
    });
    per.set(name, { dot, sq });
  }
  const auc = (use: string[]): number => {
    const d = new Float64Array(pairs.length);
    pairs.forEach(([a, z], p) => {
      let dt = 0, na = 0, nz = 0;
      for (const u of use) {
        const x = per.get(u)!;
        dt += x.dot[p];
        na += x.sq[a];
        nz += x.sq[z];
      }
      d[p] = SCALE * Math.sqrt(Math.max(0, 2 - (2 * dt) / Math.sqrt(na * nz + 1e-24)));
    });
    return rocAuc(d.subarray(0, same.length), d.subarray(same.length));
  };
  return { auc };
}

function greedy(auc: (use: string[]) => number, candidates: string[], maxBlocks = 10): { use: string[]; path: { add: string; auc: number }[] } {
  const use: string[] = [];
  const path: { add: string; auc: number }[] = [];
  let best = 0;
  while (use.length < maxBlocks) {
    let pick: string | null = null;
    let pickAuc = best;
    for (const c of candidates) {
      if (use.includes(c)) continue;
      const a = auc([...use, c]);
      if (a > pickAuc) [pick, pickAuc] = [c, a];
    }
    if (!pick || pickAuc - best < 0.001) break;
    use.push(pick);
    best = pickAuc;
    path.push({ add: pick, auc: pickAuc });
  }
  return { use, path };
}

const results: Record<string, { seed: number; auc: number; aucSameStyle: number | null; use: string[]; selection?: unknown }[]> = {};
for (const seed of SEEDS) {
  const split = splitByArtist(paintings, { seed });
  const trainIdx = split.flatMap((s, i) => (s === 'train' ? [i] : []));
  const selIdx = split.flatMap((s, i) => (s !== 'test' ? [i] : []));
  const testIdx = split.flatMap((s, i) => (s === 'test' ? [i] : []));
  const trainRows = gather(trainIdx);
  const testRows = gather(testIdx);
  const testItems = testIdx.map((i) => paintings[i]);
  const score = (use: string[]) => {
    const t = fitFeatureTransform(trainRows, dim, blocks, use, true);
    const x = applyFeatureTransform(testRows, dim, t);
    const d = x.length / testIdx.length;
    return evaluateEmbeddings(normaliseRows(x, d, SCALE), d, testItems, { seed });
  };
  const configs = [...fixed];
  if (hasInception) {
    const cands = blocks.map((b) => b.name).filter((n) => n.startsWith('InceptionV3/') || (!n.includes('/') && !names.has('MobileNetV2/pooled')));
    const sel = selectionData(trainIdx, selIdx, blocks.map((b) => b.name), seed);
    const inc = greedy(sel.auc, cands);
    configs.push({ label: 'InceptionV3 best (greedy on training artists)', use: inc.use, selection: inc.path } as Config);
    if (names.has('MobileNetV2/pooled')) {
      const both = greedy(sel.auc, blocks.map((b) => b.name));
      configs.push({ label: 'MobileNetV2 + InceptionV3 best (greedy on training artists)', use: both.use, selection: both.path } as Config);
      configs.push({ label: 'MobileNetV2 default + InceptionV3 best', use: [...DEFAULT_FEATURE_BLOCKS.map(mobileNet), ...inc.use.filter((u) => !u.startsWith('MobileNetV2/'))] });
    }
  }
  for (const c of configs) {
    const r = score(c.use);
    (results[c.label] ??= []).push({ seed, auc: r.auc, aucSameStyle: r.aucSameStyle, use: c.use, selection: (c as { selection?: unknown }).selection });
    console.error(`seed ${seed} ${c.label}: AUC ${r.auc.toFixed(4)} same-style ${r.aucSameStyle?.toFixed(4)}${(c as { selection?: unknown }).selection ? ` [${c.use.join(', ')}]` : ''}`);
  }
  console.error(`seed ${seed}: ${trainIdx.length} train, ${selIdx.length - trainIdx.length} validation, ${testIdx.length} test paintings by ${new Set(testItems.map((i) => i.artist)).size} test artists`);
}

const stat = (xs: number[]) => meanStd(xs);
console.log(`\n${values.backbone}: ${scan.root}, splitByArtist seeds ${SEEDS.join(', ')}, test artists; mean ± std over seeds`);
console.log('| features | AUC | same-style AUC |\n|---|---|---|');
for (const [label, rs] of Object.entries(results)) {
  const a = stat(rs.map((r) => r.auc));
  const s = stat(rs.map((r) => r.aucSameStyle ?? Number.NaN));
  console.log(`| ${label} | ${a.mean.toFixed(3)} ± ${a.std.toFixed(3)} | ${s.mean.toFixed(3)} ± ${s.std.toFixed(3)} |`);
}
if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 1));
