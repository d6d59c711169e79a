/**
 * `npm run ablation`: one training configuration measured the way the README reports quality —
 * on unseen artists, over several artist-disjoint splits — through the product's own commands.
 * For each split seed it imports the dataset into a data directory of its own (once; re-running
 * reuses it), runs `painter train` with the given flags and `painter evaluate --split test`,
 * then prints the mean ± standard deviation of test AUC, same-style AUC, triplet accuracy,
 * top-1 / top-5 nearest artist and training wall time. The backbone feature cache is shared by
 * every seed (its rows are keyed by image content, not by split).
 *
 *   npm run ablation -- --dataset ../shared/datasets/wikiart-large --seeds 42,7,1234 \
 *     --name views --train="--views standard"
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { meanStd } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    seeds: { type: 'string', default: '42,7,1234' },
    name: { type: 'string', default: 'default' },
    train: { type: 'string', default: '' },
    evaluate: { type: 'string', default: '' },
    root: { type: 'string', default: 'data/ablation' },
    out: { type: 'string' },
  },
});
if (!values.dataset) {
  process.stderr.write('usage: npm run ablation -- --dataset DIR [--seeds 42,7,1234] [--name NAME] [--train="FLAGS"] [--root DIR]\n');
  process.exit(2);
}
const dataset = resolve(values.dataset);
const root = resolve(values.root!);
const seeds = values.seeds!.split(',').map((s) => Number(s.trim()));
const cli = resolve('bin/painter.js');

interface Run {
  seed: number;
  model: number;
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  top1: number;
  top5: number;
  trainSeconds: number;
}

/** Runs the CLI with the seed's data directory; stdout is returned, stderr passes through. */
function painter(dataDir: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, PAINTER_DATA_DIR: dataDir, PAINTER_CACHE_DIR: join(root, 'cache') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`painter ${args.join(' ')} exited with ${code}`))));
  });
}

function flags(s: string): string[] {
  return s.split(/\s+/).filter((x) => x.length > 0);
}

const runs: Run[] = [];
for (const seed of seeds) {
  const dataDir = join(root, `${basename(dataset)}-seed${seed}`);
  await mkdir(dataDir, { recursive: true });
  process.stderr.write(`\n== seed ${seed}: ${dataDir}\n`);
  // Idempotent: a second import of the same folder with the same seed changes nothing.
  await painter(dataDir, ['import', dataset, '--seed', String(seed), '--json']);
  const started = performance.now();
  const trained = await painter(dataDir, ['train', '--json', ...flags(values.train!)]);
  const trainSeconds = (performance.now() - started) / 1000;
  const saved = JSON.parse(trained.trim().split('\n').at(-1)!) as { model: number };
  const report = JSON.parse(await painter(dataDir, ['evaluate', '--model', String(saved.model), '--split', 'test', '--json', ...flags(values.evaluate!)])) as {
    auc: number;
    aucSameStyle: number | null;
    tripletAccuracy: number;
    identification: { top1: number; top5: number };
  };
  const run: Run = {
    seed,
    model: saved.model,
    auc: report.auc,
    aucSameStyle: report.aucSameStyle,
    tripletAccuracy: report.tripletAccuracy,
    top1: report.identification.top1,
    top5: report.identification.top5,
    trainSeconds,
  };
  runs.push(run);
  process.stderr.write(`${JSON.stringify(run)}\n`);
}

const columns: [string, (r: Run) => number][] = [
  ['test AUC', (r) => r.auc],
  ['same-style AUC', (r) => r.aucSameStyle ?? Number.NaN],
  ['triplet accuracy', (r) => r.tripletAccuracy],
  ['top-1', (r) => r.top1],
  ['top-5', (r) => r.top5],
  ['train s', (r) => r.trainSeconds],
];
const summary = Object.fromEntries(columns.map(([label, get]) => [label, meanStd(runs.map(get))]));
const line = columns.map(([label]) => {
  const { mean, std } = summary[label];
  return `${label} ${label === 'train s' ? mean.toFixed(0) : mean.toFixed(3)} ± ${label === 'train s' ? std.toFixed(0) : std.toFixed(3)}`;
});
process.stdout.write(`${values.name} (${basename(dataset)}, seeds ${seeds.join(', ')}): ${line.join(' · ')}\n`);
const out = values.out ?? join('bench', 'results', `ablation-${values.name}-${basename(dataset)}.json`);
await mkdir(resolve(out, '..'), { recursive: true });
const previous = await readFile(out, 'utf8').then((t) => JSON.parse(t) as unknown, () => null);
await writeFile(out, JSON.stringify({ name: values.name, dataset, seeds, train: values.train, summary, runs, previous }, null, 2) + '\n');
