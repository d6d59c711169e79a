/**
 * `npm run bench`: the performance suite. Runs the selected sections one after another in this
 * process, prints one table per section and a summary of the targets, and writes every
 * measurement as JSON.
 *
 *   npm run bench                                   # everything, full sizes
 *   npm run bench -- --quick                        # small sizes and short load runs (a smoke run)
 *   npm run bench -- --only peak-flops hnsw         # some sections
 *   npm run bench -- --data-dir data --out bench/results/latest.json
 *   npm run bench -- --only encoder http --presets pretrained --data-dir data   # the served model only
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { writeJsonAtomic } from '../src/util/files.js';
import { createProgress } from './lib/progress.js';
import { renderTable, renderTargets } from './lib/report.js';
import type { BenchContext, BenchResult, BenchSection } from './lib/types.js';
import { SECTIONS } from './sections/index.js';
import { PRESET_NAMES, type PresetName } from '../src/encoders/presets.js';

interface Options {
  only?: string[];
  quick: boolean;
  out?: string;
  dataDir?: string;
  dataset?: string;
  seed: string;
  presets?: string[];
  markdown: boolean;
  list: boolean;
  synthetic: boolean;
}

interface SectionReport {
  name: string;
  description: string;
  seconds: number;
  result?: BenchResult;
  error?: string;
}

const names = SECTIONS.map((s) => s.name);
const program = new Command()
  .name('bench')
  .description('Performance suite: each comparison is measured side by side in one run and reported as ratios.')
  .addOption(new Option('--only <sections...>', 'run only these sections').choices(names))
  .option('--quick', 'small sizes and short load runs (a smoke run)', false)
  .option('--out <file>', 'JSON report (default bench/results/bench-<timestamp>.json)')
  .option('--data-dir <dir>', 'data directory of an imported corpus (default $PAINTER_DATA_DIR or data)')
  .option('--dataset <dir>', 'folder of painting images to upload in the HTTP runs')
  .option('--seed <n>', 'seed for synthetic data and sampling', '1')
  .addOption(new Option('--presets <presets...>', 'encoder presets the encoder section measures (default: all)').choices([...PRESET_NAMES]))
  .option('--no-synthetic', 'sections measure only the served corpus, not their synthetic vectors (hnsw, vector-store)')
  .option('--markdown', 'print the tables as Markdown too', false)
  .option('--list', 'list the sections and exit', false)
  .parse();

const opts = program.opts<Options>();

if (opts.list) {
  for (const s of SECTIONS) console.log(`${s.name.padEnd(12)} ${s.description}`);
  process.exit(0);
}

const seed = Number(opts.seed);
if (!Number.isInteger(seed) || seed < 0) program.error('--seed must be a non-negative integer');
const selected: BenchSection[] = opts.only ? SECTIONS.filter((s) => opts.only!.includes(s.name)) : [...SECTIONS];
const startedAt = new Date();
const out = resolve(opts.out ?? join('bench', 'results', `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`));
const tmpDir = await mkdtemp(join(tmpdir(), 'painter-bench-'));
const results = new Map<string, BenchResult>();
const log = (message: string) => process.stderr.write(`${message}\n`);
const ctx: BenchContext = {
  quick: opts.quick,
  seed,
  dataDir: resolve(opts.dataDir ?? process.env.PAINTER_DATA_DIR ?? 'data'),
  dataDirGiven: opts.dataDir !== undefined,
  synthetic: opts.synthetic,
  dataset: opts.dataset ? resolve(opts.dataset) : undefined,
  presets: opts.presets as PresetName[] | undefined,
  tmpDir,
  progress: createProgress(),
  log,
  results,
};

const reports: SectionReport[] = [];
// Stop on Ctrl-C with the scratch directory removed; sections stop their own child processes.
process.once('SIGINT', () => {
  void rm(tmpDir, { recursive: true, force: true }).finally(() => process.exit(130));
});
try {
  log(`bench: ${selected.map((s) => s.name).join(', ')}${opts.quick ? ' (quick)' : ''}; ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  for (const section of selected) {
    log(`\n── ${section.name}: ${section.description}`);
    const started = performance.now();
    const report: SectionReport = { name: section.name, description: section.description, seconds: 0 };
    try {
      report.result = await section.run(ctx);
      results.set(section.name, report.result);
    } catch (e) {
      report.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`${section.name} failed: ${report.error}`);
    }
    report.seconds = (performance.now() - started) / 1000;
    reports.push(report);
    printSection(report);
  }

  const targets = reports.flatMap((r) => (r.result?.targets ?? []).map((t) => ({ ...t, section: r.name })));
  if (targets.length) {
    console.log('\nTargets');
    console.log(renderTargets(targets));
    if (opts.markdown) console.log('\n' + renderTargets(targets, true));
  }

  await writeJsonAtomic(out, {
    createdAt: startedAt.toISOString(),
    options: { quick: opts.quick, only: opts.only ?? null, seed, presets: ctx.presets ?? null, dataDir: ctx.dataDir, dataset: ctx.dataset ?? null },
    machine: machine(),
    sections: Object.fromEntries(reports.map((r) => [r.name, { description: r.description, seconds: r.seconds, error: r.error ?? null, ...r.result }])),
    targets,
  });
  console.log(`\nwrote ${out}`);
  process.exitCode = reports.some((r) => r.error) ? 1 : 0;
} finally {
  await rm(tmpDir, { recursive: true, force: true });
}

function printSection(report: SectionReport): void {
  console.log(`\n== ${report.name} (${report.seconds.toFixed(0)} s)`);
  if (report.error) {
    console.log(`  failed: ${report.error.split('\n')[0]}`);
    return;
  }
  const result = report.result!;
  if (result.skipped) console.log(`  skipped: ${result.skipped}`);
  for (const table of result.tables) {
    console.log('\n' + renderTable(table));
    if (opts.markdown) console.log('\n' + renderTable(table, true));
  }
}

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${platform()}-${arch()}`,
  };
}

