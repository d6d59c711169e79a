import type { Command } from 'commander';
import { embedFolder } from '../../src/services/embed-service.js';
import { withDatabase } from '../context.js';
import { int } from '../options.js';
import { progressBar } from '../progress.js';

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('embed every image of a folder (labelled or not) with a model: FILE.npy (float32 rows) and FILE.json (model, file of each row, unreadable files)')
    .argument('<dir>', 'folder of images (searched recursively)')
    .requiredOption('--out <file>', 'output name: writes FILE.npy and FILE.json')
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, o: { out: string; model?: number; json?: boolean }) => {
      await withDatabase(async (cfg, repos) => {
        const bar = progressBar('embed');
        const r = await embedFolder(cfg, repos, { dir, out: o.out, model: o.model, onProgress: (d, t) => bar.update(d, t) });
        bar.stop();
        if (o.json) return void process.stdout.write(JSON.stringify(r) + '\n');
        console.log(`${r.rows} × ${r.dim} embeddings (model v${r.modelVersion}) → ${r.npy}, index ${r.index}`);
        console.log(`  ${r.fromCache} from the cache${r.imagesPerSecond ? `, the rest at ${r.imagesPerSecond.toFixed(1)} images/s` : ''}; ${r.seconds.toFixed(1)} s`);
        if (r.ignored) console.log(`  ${r.ignored} files without an image extension ignored`);
        if (r.failed.length) {
          console.log(`  ${r.failed.length} images could not be read (listed in the index):`);
          for (const f of r.failed.slice(0, 20)) console.log(`    ${f.file}: ${f.reason}`);
        }
      });
    });
}
