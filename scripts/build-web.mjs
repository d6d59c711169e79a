#!/usr/bin/env node
// Builds the web page into web/dist: the TypeScript sources bundled by esbuild (Chart.js
// included), index.html and styles.css copied beside them. The server serves that folder.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../web/', import.meta.url));
const out = `${root}dist/`;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${out}app.js`,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
await Promise.all(['index.html', 'styles.css'].map((f) => copyFile(`${root}${f}`, `${out}${f}`)));
console.log(`web page built into ${out}`);
