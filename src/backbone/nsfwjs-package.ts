/**
 * Where the nsfwjs npm package keeps its bundled backbones (ImageNet MobileNetV2 and its
 * relatives, InceptionV3), and its version: part of every backbone id, since new weights would
 * change every feature.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function nsfwjsPackageDir(): string {
  // The package's exports map hides package.json and the model files; its entry is dist/cjs/index.js.
  return path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
}

let version: string | undefined;

export function nsfwjsVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(nsfwjsPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
