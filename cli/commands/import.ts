import type { Command } from 'commander';
import { importDataset, importUnlabelled } from '../../src/services/import-service.js';
import { withDatabase } from '../context.js';
import { int, num } from '../options.js';
import { progressBar } from '../progress.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'register a labelled folder of paintings (Kaggle Painter by Numbers CSVs, labels.csv, or one folder per artist) and split it by artist; with --unlabelled, a folder of images without artists (searched and compared, never counted as an artist)',
    )
    .argument('<dir>', 'dataset directory')
    .option('--seed <n>', 'seed of the artist-disjoint split', int('--seed'), 42)
    .option('--test-fraction <f>', 'fraction of artists held out as unseen test artists', num('--test-fraction'), 0.2)
    .option('--validation-fraction <f>', "fraction of training artists' paintings kept for validation", num('--validation-fraction'), 0.1)
    .option('--unlabelled', 'every image of the folder, artist unknown (indexed with every model after the next `painter index`)')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, o: { seed: number; testFraction: number; validationFraction: number; unlabelled?: boolean; json?: boolean }) => {
      await withDatabase(async (_cfg, repos) => {
        const bar = progressBar('scan');
        if (o.unlabelled) {
          const report = await importUnlabelled(repos.datasets, dir, { onProgress: (d, t) => bar.update(d, t) });
          bar.stop();
          if (o.json) return void process.stdout.write(JSON.stringify(report) + '\n');
          console.log(`dataset ${report.datasetId}: ${report.root} (unlabelled)`);
          console.log(`  ${report.paintings} paintings, artist unknown, in ${report.seconds.toFixed(1)} s; run \`painter index\` to make them searchable`);
          const c = report.changes;
          console.log(`  changes: ${c.added} added, ${c.updated} updated, ${c.removed} removed, ${c.unchanged} unchanged`);
          printSkipped(report.skipped);
          return;
        }
        const report = await importDataset(repos.datasets, dir, {
          seed: o.seed,
          testFraction: o.testFraction,
          validationFraction: o.validationFraction,
          onProgress: (d, t) => bar.update(d, t),
        });
        bar.stop();
        if (o.json) {
          process.stdout.write(JSON.stringify(report) + '\n');
          return;
        }
        const s = report.splits;
        console.log(`dataset ${report.datasetId}: ${report.root} (${report.layout})`);
        console.log(`  ${report.paintings} paintings by ${report.artists} artists in ${report.seconds.toFixed(1)} s`);
        console.log(`  split (seed ${o.seed}): train ${s.train}, validation ${s.validation}, test ${s.test} paintings; ` +
          `${report.artistsBySplit.train} training / ${report.artistsBySplit.test} unseen test artists`);
        const c = report.changes;
        console.log(`  changes: ${c.added} added, ${c.updated} updated, ${c.removed} removed, ${c.unchanged} unchanged`);
        printSkipped(report.skipped);
      });
    });
}

function printSkipped(skipped: { relPath: string; reason: string }[]): void {
  if (!skipped.length) return;
  console.log(`  skipped ${skipped.length} files:`);
  for (const k of skipped.slice(0, 50)) console.log(`    ${k.relPath}: ${k.reason}`);
  if (skipped.length > 50) console.log(`    … and ${skipped.length - 50} more (--json lists all)`);
}
