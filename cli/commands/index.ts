import type { Command } from 'commander';
import { describeBackend, initBackend } from '../../src/compute/backend.js';
import { EncoderProvider } from '../../src/services/encoder-provider.js';
import { IndexService } from '../../src/services/index-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { withDatabase } from '../context.js';
import { int } from '../options.js';
import { progressBar } from '../progress.js';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('embed every painting of the corpus with a model and build the HNSW index the server loads')
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--m <M>', 'HNSW M (links per node)', int('--m'))
    .option('--ef-construction <n>', 'HNSW efConstruction', int('--ef-construction'))
    .option('--ef <n>', 'HNSW ef at query time', int('--ef'))
    .option('--json', 'print the build record as JSON')
    .action(async (o: { model?: number; m?: number; efConstruction?: number; ef?: number; json?: boolean }) => {
      process.stderr.write(describeBackend(await initBackend()) + '\n');
      await withDatabase(async (cfg, repos) => {
        const encoders = new EncoderProvider(cfg);
        const service = new IndexService(cfg, repos, new LiveIndex(), encoders, {
          info: (m) => process.stderr.write(m + '\n'),
          warn: (m) => process.stderr.write(`warning: ${m}\n`),
        });
        const bars = new Map<string, ReturnType<typeof progressBar>>();
        const params = Object.fromEntries(Object.entries({ M: o.m, efConstruction: o.efConstruction, ef: o.ef }).filter(([, v]) => v !== undefined));
        try {
          const build = await service.build({
            modelVersion: o.model,
            params,
            onProgress: (phase, done, total) => {
              let bar = bars.get(phase);
              if (!bar) bars.set(phase, (bar = progressBar(phase)));
              bar.update(done, total);
            },
          });
          for (const b of bars.values()) b.stop();
          if (o.json) process.stdout.write(JSON.stringify(build) + '\n');
          else process.stdout.write(`index ${build.id}: ${build.elementCount} paintings with model v${build.modelVersion} in ${build.buildSeconds?.toFixed(1)} s → ${build.dir}\n`);
        } finally {
          await encoders.close();
        }
      });
    });
}
