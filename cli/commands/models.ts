import type { Command } from 'commander';
import { ModelRepository } from '../../src/db/repositories/model-repository.js';
import { withDatabase } from '../context.js';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list model versions')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withDatabase(async (_cfg, db) => {
        const models = await new ModelRepository(db.prisma).list();
        if (o.json) {
          process.stdout.write(JSON.stringify(models) + '\n');
          return;
        }
        if (models.length === 0) console.log('no model versions yet: run `painter train`');
        for (const m of models) console.log(`v${m.version}\t${m.preset}\t${m.status}\t${m.dir}`);
      });
    });
}
