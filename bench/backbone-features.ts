/**
 * Frozen-backbone features on a labelled painting folder: throughput with 1 and 2 workers, then
 * pair ROC AUC on held-out artists for each feature block and some concatenations.
 *   npx tsx bench/backbone-features.ts DIR [--cache FILE] [--limit N] [--variant MobileNetV2|MobileNetV2Mid]
 *     [--throughput-subset N] [--no-throughput] [--hflip]
 * DIR holds labels.csv (file,artist,...) with files relative to DIR.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BACKBONE_SPEC, extractBackboneFeatures, type BackboneSpec } from '../src/backbone/extract.js';
import type { MobileNetVariant } from '../src/backbone/load-mobilenet.js';
import { upperTriangleIndices } from '../src/backbone/style-features.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string, def?: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const dir = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--') || ['--no-throughput', '--hflip'].includes(args[i - 1])));
if (!dir) {
  console.error('usage: npx tsx bench/backbone-features.ts DIR [--cache FILE] [--limit N] [--variant V]');
  process.exit(2);
}
const variant = (opt('--variant', 'MobileNetV2') as MobileNetVariant);
const spec: BackboneSpec = { ...DEFAULT_BACKBONE_SPEC, variant };
const cacheFile = opt('--cache', `/tmp/painter-backbone-cache${variant === 'MobileNetV2' ? '' : '-' + variant}.bin`)!;
const limit = Number(opt('--limit', '0'));
const subsetN = Number(opt('--throughput-subset', '300'));

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

type Row = { file: string; artist: string };
let rows = (parse(readFileSync(path.join(dir, 'labels.csv')), { columns: true, skip_empty_lines: true }) as Row[]).map((r) => ({
  file: path.join(dir, r.file),
  artist: r.artist,
}));
if (limit > 0) rows = shuffle(rows, rng(7)).slice(0, limit);
const paths = rows.map((r) => r.file);
console.log(`${rows.length} images, ${new Set(rows.map((r) => r.artist)).size} artists, ${os.availableParallelism()} cores, variant ${variant}`);

// --- throughput -----------------------------------------------------------------------------
if (!flag('--no-throughput')) {
  const subset = shuffle(paths, rng(11)).slice(0, subsetN);
  for (const workers of [1, 2]) {
    let ips = 0;
    const r = await extractBackboneFeatures(subset, { workers, spec, onProgress: (_d, _t, x) => (ips = x) });
    console.log(
      `throughput ${workers} worker(s): ${(r.stats.extracted / r.stats.seconds).toFixed(1)} img/s incl. startup ` +
        `(${r.stats.extracted} images in ${r.stats.seconds.toFixed(1)} s; last progress ${ips.toFixed(1)} img/s)`,
    );
  }
}

// --- full extraction (cached) ---------------------------------------------------------------
let lastLog = 0;
const full = await extractBackboneFeatures(paths, {
  cacheFile,
  spec,
  views: flag('--hflip') ? ['center', 'hflip'] : ['center'],
  skipUnreadable: true,
  onProgress: (done, total, ips) => {
    if (Date.now() - lastLog > 15000 || done === total) {
      lastLog = Date.now();
      console.log(`  ${done}/${total} ${ips.toFixed(1)} img/s`);
    }
  },
});
console.log(
  `full: ${full.stats.extracted} extracted, ${full.stats.cached} cached, ${full.stats.seconds.toFixed(1)} s, ` +
    `${full.failed.length} unreadable; dim ${full.dim}; cache ${cacheFile}; backboneId ${full.backboneId}`,
);
for (const f of full.failed.slice(0, 5)) console.log(`  unreadable: ${f.message}`);

// --- evaluation -----------------------------------------------------------------------------
const X = full.views[0];
const D = full.dim;
const ok = rows.map((_, i) => !Number.isNaN(X[i * D]));
const artists = [...new Set(rows.map((r) => r.artist))].sort();
const heldOut = new Set(shuffle(artists, rng(42)).slice(0, Math.round(artists.length * 0.2)));
const trainIdx = rows.map((_, i) => i).filter((i) => ok[i] && !heldOut.has(rows[i].artist));
const testIdx = rows.map((_, i) => i).filter((i) => ok[i] && heldOut.has(rows[i].artist));

const same: [number, number][] = [];
for (let a = 0; a < testIdx.length; a++)
  for (let b = a + 1; b < testIdx.length; b++) if (rows[testIdx[a]].artist === rows[testIdx[b]].artist) same.push([a, b]);
const diff: [number, number][] = [];
const pr = rng(99);
while (diff.length < same.length) {
  const a = Math.floor(pr() * testIdx.length);
  const b = Math.floor(pr() * testIdx.length);
  if (rows[testIdx[a]].artist !== rows[testIdx[b]].artist) diff.push([a, b]);
}
console.log(`eval: ${heldOut.size} held-out artists, ${testIdx.length} test / ${trainIdx.length} train images, ${same.length} same-artist pairs`);

function pick(idx: number[]): Float32Array {
  const out = new Float32Array(idx.length * D);
  idx.forEach((r, i) => out.set(X.subarray(r * D, (r + 1) * D), i * D));
  return out;
}
const Xtr = pick(trainIdx);
const Xte = pick(testIdx);

/** Mann–Whitney AUC that a same-artist pair is closer than a different-artist pair. */
function auc(dSame: Float64Array, dDiff: Float64Array): number {
  const all = [...Array.from(dSame, (d) => [d, 1] as const), ...Array.from(dDiff, (d) => [d, 0] as const)].sort((x, y) => x[0] - y[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += avg;
    i = j;
  }
  const n1 = dSame.length;
  const n0 = dDiff.length;
  // Small distances should mean same artist: AUC = P(d_same < d_diff).
  return 1 - (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

function l2rows(data: Float32Array, dim: number): void {
  for (let r = 0; r < data.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[r * dim + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) data[r * dim + j] *= inv;
  }
}

/** A group of row indices L2-normalised together; several groups are concatenated. */
type Group = { name: string; idx: Int32Array };
const range = (offset: number, dim: number) => Int32Array.from({ length: dim }, (_, j) => offset + j);

function prepare(src: Float32Array, groups: Group[], transform?: (x: Float32Array) => void): { data: Float32Array; dim: number } {
  const x = transform ? src.slice() : src;
  if (transform) transform(x);
  const dim = groups.reduce((s, g) => s + g.idx.length, 0);
  const n = x.length / D;
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    let o = r * dim;
    for (const g of groups) {
      let ss = 0;
      for (const j of g.idx) ss += x[r * D + j] ** 2;
      const inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
      for (const j of g.idx) out[o++] = x[r * D + j] * inv;
    }
  }
  return { data: out, dim };
}

function evaluate(groups: Group[], center: boolean, transform?: (x: Float32Array) => void): number {
  const te = prepare(Xte, groups, transform);
  const dim = te.dim;
  if (center) {
    const tr = prepare(Xtr, groups, transform);
    const mean = new Float64Array(dim);
    const n = tr.data.length / dim;
    for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) mean[j] += tr.data[r * dim + j] / n;
    for (let r = 0; r < te.data.length / dim; r++) for (let j = 0; j < dim; j++) te.data[r * dim + j] -= mean[j];
  }
  l2rows(te.data, dim);
  const dist = (pairs: [number, number][]) =>
    Float64Array.from(pairs, ([a, b]) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (te.data[a * dim + j] - te.data[b * dim + j]) ** 2;
      return Math.sqrt(s);
    });
  return auc(dist(same), dist(diff));
}

const byName = new Map(full.blocks.map((b) => [b.name, b]));
const G = (...names: string[]): Group => {
  const idx: number[] = [];
  for (const n of names) {
    const b = byName.get(n);
    if (!b) throw new Error(`no block ${n}`);
    idx.push(...range(b.offset, b.dim));
  }
  return { name: names.join('+'), idx: Int32Array.from(idx) };
};
/** Gram triangle entries of the first k projected channels = the Gram of a k-column projection. */
function gramSubset(name: string, k: number): Group {
  const b = byName.get(name)!;
  const kFull = Math.round((Math.sqrt(8 * b.dim + 1) - 1) / 2);
  const idx: number[] = [];
  upperTriangleIndices(kFull).forEach((flat, n) => {
    if (Math.floor(flat / kFull) < k && flat % kFull < k) idx.push(b.offset + n);
  });
  return { name: `${name}@${k}`, idx: Int32Array.from(idx) };
}

const sqrtPooled = (x: Float32Array) => {
  const p = byName.get('pooled')!;
  for (let r = 0; r < x.length / D; r++) for (let j = 0; j < p.dim; j++) x[r * D + p.offset + j] = Math.sqrt(Math.max(0, x[r * D + p.offset + j]));
};

const layers = [...new Set(full.blocks.filter((b) => b.name !== 'pooled').map((b) => b.name.split('.')[0]))];
const report = (label: string, groups: Group[], transform?: (x: Float32Array) => void) => {
  const a = evaluate(groups, false, transform);
  const c = evaluate(groups, true, transform);
  console.log(`${label.padEnd(50)} ${a.toFixed(4)}   ${c.toFixed(4)}   (dim ${groups.reduce((s, g) => s + g.idx.length, 0)})`);
};
const each = (...names: string[]) => names.map((n) => G(n));

console.log(`\n${'features (held-out artists; "|" = separately L2-normalised)'.padEnd(50)} AUC      centred`);
report('pooled', each('pooled'));
report('pooled, signed sqrt', each('pooled'), sqrtPooled);
for (const l of layers) {
  report(`${l}.mean`, each(`${l}.mean`));
  report(`${l}.std`, each(`${l}.std`));
  report(`${l}.gram`, each(`${l}.gram`));
  report(`${l}.gram, 32 projected channels`, [gramSubset(`${l}.gram`, 32)]);
  report(`${l}.gram, 16 projected channels`, [gramSubset(`${l}.gram`, 16)]);
  report(`${l}.mean+std`, [G(`${l}.mean`, `${l}.std`)]);
  report(`${l}.mean|std|gram`, each(`${l}.mean`, `${l}.std`, `${l}.gram`));
}
const styleOf = (l: string) => each(`${l}.mean`, `${l}.std`, `${l}.gram`);
report('pooled | block_6.gram', each('pooled', 'block_6.gram'));
report('pooled | block_6.mean|std|gram', [G('pooled'), ...styleOf('block_6')]);
report('pooled | block_13.mean|std|gram', [G('pooled'), ...styleOf('block_13')]);
report('pooled | block_6,13 mean|std|gram', [G('pooled'), ...styleOf('block_6'), ...styleOf('block_13')]);
report('pooled | all grams', [G('pooled'), ...layers.map((l) => G(`${l}.gram`))]);
report('all blocks', full.blocks.map((b) => G(b.name)));
report('all blocks, pooled signed sqrt', full.blocks.map((b) => G(b.name)), sqrtPooled);
