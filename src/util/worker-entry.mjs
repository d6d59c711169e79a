// Plain-JS entry for worker threads: Node cannot load .ts by itself, so when the sources are
// TypeScript, tsx's loader is registered in this thread before importing the module named in
// workerData.module (a file URL of the compiled .js; its .ts sibling is used when absent).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

const compiled = new URL(workerData.module);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(compiled.href.replace(/\.js$/, '.ts'));
}
