/** The product's version, as package.json states it (the OpenAPI document's `info.version`). */
import { readFileSync } from 'node:fs';

export const API_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
