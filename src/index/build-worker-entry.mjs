// Plain-JS entry for the index build worker: Node cannot load .ts by itself, so when the sources
// are TypeScript, tsx's loader is registered in this thread before importing them.
import { existsSync } from 'node:fs';

const compiled = new URL('./build-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('./build-worker.ts', import.meta.url).href);
}
