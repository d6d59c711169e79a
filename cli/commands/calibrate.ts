import type { Command } from 'commander';
import { PainterError } from '../../src/errors.js';
import { CalibrationService } from '../../src/services/calibration-service.js';
import { withDatabase } from '../context.js';
import { int } from '../options.js';

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description("choose which stored evaluation calibrates a model's answers (same-painter threshold and probability, artist ranking, open-set rule); by default its newest test-split evaluation")
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--evaluation <id>', 'evaluation id (one of the model\'s, e.g. from `painter evaluate --json`)', int('--evaluation'))
    .option('--test-split', 'return to the default: the newest evaluation on the test split of the model\'s dataset')
    .option('--json', 'print the result as JSON')
    .action(async (o: { model?: number; evaluation?: number; testSplit?: boolean; json?: boolean }) => {
      await withDatabase(async (_cfg, repos) => {
        const version = o.model ?? (await repos.models.latestComplete())?.version;
        if (version === undefined) throw new PainterError('MODEL_NOT_FOUND', 'No trained model yet: run `painter train` first');
        const calibrations = new CalibrationService(repos);
        const info =
          o.evaluation !== undefined || o.testSplit
            ? await calibrations.choose(version, o.testSplit ? null : o.evaluation!)
            : (await calibrations.forModel(version)).info;
        if (o.json) return void process.stdout.write(JSON.stringify({ modelVersion: version, ...info }) + '\n');
        if (info.evaluationId === null) console.log(`model v${version}: no evaluation to calibrate with (uncalibrated defaults); run \`painter evaluate --model ${version}\``);
        else
          console.log(
            `model v${version}: calibrated by evaluation ${info.evaluationId} (${info.selection === 'chosen' ? 'chosen' : info.selection === 'held-out-twin' ? `the newest test-split evaluation of v${info.evaluatedModelVersion}, the same configuration trained without --all-artists` : 'its newest test-split evaluation'}; ${
              info.datasetPath ? `folder ${info.datasetPath}` : `${info.split} split of dataset ${info.datasetId}`
            }); same painter decided on the ${info.pairScore === 'csls' ? 'cohort-normalised distance' : 'distance'}, artists ranked ${info.ranking}, open-set rule ${info.openSet ? 'stored' : 'absent'}`,
          );
      });
    });
}
