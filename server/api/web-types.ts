/**
 * The web page's API types, generated from the OpenAPI document by `openapi-typescript`: the
 * page cannot drift from the schemas because it has no copy of them. `npm run api:types` writes
 * web/src/api-schema.ts; test/server/openapi.test.ts fails while the committed file is stale.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { ROUTES } from '../routes/all.js';
import { buildOpenApiDocument } from './openapi.js';
import { API_VERSION } from '../version.js';

export const WEB_TYPES_FILE = new URL('../../web/src/api-schema.ts', import.meta.url);

const HEADER = `/**
 * Generated from the OpenAPI document (server/api/openapi.ts) by \`npm run api:types\`: do not edit.
 * web/src/api-types.ts names the shapes the page reads.
 */
/* eslint-disable */
`;

export async function generateWebTypes(): Promise<string> {
  const document = buildOpenApiDocument(ROUTES, { version: API_VERSION });
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}
