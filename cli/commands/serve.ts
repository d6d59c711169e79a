import type { Command } from 'commander';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../server/start-server.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the REST + GraphQL server (port from PORT, default 8080); prepares a demo corpus on a fresh install')
    .option('--no-demo', 'do not generate the demo corpus when nothing is imported')
    .action(async (o: { demo: boolean }) => {
      const running = await startServer(loadConfig(), { demo: o.demo });
      // SIGTERM/SIGINT: stop accepting, let in-flight requests and jobs finish, close the database.
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      running.log.info('shutting down: finishing requests and jobs');
      await running.close();
    });
}
