/** `npm run api:types`: regenerates web/src/api-schema.ts from the OpenAPI document. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateWebTypes, WEB_TYPES_FILE } from '../server/api/web-types.js';

writeFileSync(WEB_TYPES_FILE, await generateWebTypes());
process.stdout.write(`wrote ${fileURLToPath(WEB_TYPES_FILE)}\n`);
