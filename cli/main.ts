/**
 * `painter`: the command-line program. Each command lives in commands/; errors with a code are
 * printed as `error CODE: message` and exit with 2 (bad input) or 1 (anything else).
 */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../src/config.js';
import { isPainterError } from '../src/errors.js';
import { registerBackup } from './commands/backup.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerImport } from './commands/import.js';
import { registerIndex } from './commands/index.js';
import { registerModels } from './commands/models.js';
import { registerServe } from './commands/serve.js';
import { registerTrain } from './commands/train.js';

const program = new Command()
  .name('painter')
  .description('Painter-style similarity: import paintings, train a style encoder, evaluate it on unseen artists, index and serve')
  .showHelpAfterError()
  .exitOverride()
  // A bad setting is reported before a command starts any work (one line, see below).
  .hook('preAction', () => void loadConfig());

registerImport(program);
registerTrain(program);
registerEvaluate(program);
registerModels(program);
registerIndex(program);
registerServe(program);
registerBackup(program);

try {
  await program.parseAsync(process.argv);
  process.exit(0);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (isPainterError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    process.exit(e.status < 500 ? 2 : 1);
  }
  process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
}
