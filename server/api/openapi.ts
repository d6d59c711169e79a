/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas the routes
 * validate with (`@asteasolutions/zod-to-openapi`, which reads zod 4's own `.meta()`). Served at
 * /api/openapi.json; `npm run api:types` turns it into the web page's types.
 */
import { OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ErrorCodes, type ErrorCode } from '../../src/errors.js';
import { errorBody } from '../../src/shapes/health.js';
import type { AnyRoute } from './route.js';
import { openApiPath, type Access } from './route.js';

const ACCESS_NOTE: Record<Access, string> = {
  public: '',
  read: 'Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).',
  admin: 'Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).',
  metrics: 'Needs a read or admin key once any key is configured.',
};

const RATE_LIMITED_PREFIXES = ['/api/', '/graphql'];

/** The reference lists its sections in this order; a tag not listed comes last. */
const TAG_ORDER = ['Search', 'Catalog', 'Models', 'Index', 'Jobs', 'GraphQL', 'Operations'];

export function buildOpenApiDocument(routes: readonly AnyRoute[], info: { version: string }): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('headers', 'X-Request-Id', { description: "The request's id, as given in `x-request-id` or generated; it is in every log line of the request", schema: { type: 'string' } });
  for (const route of routes) registry.registerPath(pathConfig(route));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Painter-style similarity',
      version: info.version,
      description: 'Upload a painting → its nearest artists with the paintings that support the answer; do two paintings share a painter; model versions, ROC evaluations, the index and jobs. Errors are `{"error": {"code", "message", "details"}}` with the status of their code.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].sort((a, b) => rank(a) - rank(b)).map((name) => ({ name })),
  });
}

const rank = (tag: string) => (TAG_ORDER.includes(tag) ? TAG_ORDER.indexOf(tag) : TAG_ORDER.length);

function pathConfig(route: AnyRoute): RouteConfig {
  const note = ACCESS_NOTE[route.access];
  const guarded = route.access !== 'public';
  return {
    method: route.method,
    path: openApiPath(route.path),
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, note].filter(Boolean).join('\n\n') || undefined,
    // Read routes are open by default, so "no key" stays an accepted alternative.
    ...(guarded ? { security: [{ apiKey: [] }, { bearer: [] }, ...(route.access === 'admin' ? [] : [{}])] } : {}),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: requestBody(route.body) } : {}),
    },
    responses: { ...successResponses(route), ...errorResponses(route) },
  };
}

function requestBody(body: NonNullable<AnyRoute['body']>) {
  const content: Record<string, { schema: NonNullable<typeof body.json> }> = {};
  if (body.multipart) content['multipart/form-data'] = { schema: body.multipart };
  if (body.json) content['application/json'] = { schema: body.json };
  return { required: body.required ?? false, content };
}

function successResponses(route: AnyRoute): Record<number, ResponseConfig> {
  const requestId = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
  return Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => [
      status,
      {
        description: r.description,
        headers: { ...requestId, ...Object.fromEntries(Object.entries(r.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) },
        ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : r.contentType ? { content: { [r.contentType]: { schema: {} } } } : {}),
      } as ResponseConfig,
    ]),
  );
}

/** The errors a route can answer: those its entry implies, and those it names. */
export function routeErrors(route: AnyRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.params || route.query || route.body) codes.add('INVALID_ARGUMENT');
  if (route.body) codes.add('BAD_REQUEST').add('PAYLOAD_TOO_LARGE').add('UNSUPPORTED_MEDIA_TYPE');
  if (route.access !== 'public') codes.add('API_KEY_REQUIRED').add('API_KEY_INVALID');
  if (route.access === 'admin') codes.add('API_KEY_FORBIDDEN');
  if (RATE_LIMITED_PREFIXES.some((p) => route.path.startsWith(p))) codes.add('RATE_LIMITED');
  codes.add('METHOD_NOT_ALLOWED');
  if (route.path.startsWith('/api/') && route.path !== '/api/openapi.json' && route.path !== '/api/docs') codes.add('DATABASE_UNAVAILABLE');
  return [...codes];
}

function errorResponses(route: AnyRoute): Record<number, ResponseConfig> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrors(route)) {
    const { status } = ErrorCodes[code];
    if (route.responses[status]) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [status, { description: codes.map((c) => `\`${c}\`: ${ErrorCodes[c].message}`).join('; '), content: { 'application/json': { schema: errorBody } } }]),
  );
}

/** `GET /api/paintings/:id/similar` → `getPaintingsIdSimilar`. */
function operationId(route: AnyRoute): string {
  const words = route.path
    .split('/')
    .filter((s) => s && s !== 'api')
    .map((s) => s.replace(/^:/, 'by-'))
    .flatMap((s) => s.split(/[-_.]/))
    .filter(Boolean);
  return route.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
