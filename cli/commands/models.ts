import type { Command } from 'commander';
import { initBackend } from '../../src/compute/backend.js';
import { trainingArtistsOf } from '../../src/dataset/training-artists.js';
import { PainterError } from '../../src/errors.js';
import { exportSavedModel } from '../../src/onnx/export-model.js';
import { withDatabase } from '../context.js';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list model versions')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withDatabase(async (_cfg, repos) => {
        const models = (await repos.models.list()).map((m) => ({ ...m, artists: trainingArtistsOf(m.config) }));
        if (o.json) {
          process.stdout.write(JSON.stringify(models) + '\n');
          return;
        }
        if (models.length === 0) console.log('no model versions yet: run `painter train`');
        for (const m of models) {
          const artists = m.artists === 'all' ? 'all artists (no held-out evaluation)' : 'training artists';
          console.log(`v${m.version}\t${m.preset}\t${m.status}\t${artists}\t${m.dir}`);
        }
      });
    });

  program
    .command('export')
    .description('export model versions to ONNX for serving (training does this already; for older versions)')
    .argument('<versions...>', 'model versions, e.g. 3 4')
    .action(async (versions: string[]) => {
      await withDatabase(async (_cfg, repos) => {
        await initBackend('cpu');
        const repo = repos.models;
        for (const v of versions) {
          const version = Number(v);
          const model = Number.isInteger(version) ? await repo.get(version) : null;
          if (!model) throw new PainterError('MODEL_NOT_FOUND', `No model version ${v}`);
          const started = performance.now();
          const artifact = await exportSavedModel(model.dir);
          process.stderr.write(
            `v${version}: ${model.dir}/${artifact.file} (${(artifact.bytes / 2 ** 20).toFixed(1)} MiB, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
          );
        }
      });
    });
}
