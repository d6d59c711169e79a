import { z } from 'zod';
import { backupRecord } from '../../src/shapes/backups.js';
import { defineRoute } from '../api/route.js';
import { REFERENCE_HTML, setPageHeaders } from '../api/reference.js';

const graphqlRequest = z.object({
  query: z.string().meta({ description: 'A GraphQL document (queries need no key; mutations an admin key)' }),
  variables: z.record(z.string(), z.unknown()).optional(),
  operationName: z.string().optional(),
});

/** Metrics, the API's own description, and the GraphQL endpoint. */
export const operationRoutes = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    access: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: 'The text exposition format: requests by route and status, encoder batches, queues, index, jobs, database errors, process. Needs a key (read or admin) once any key is configured.',
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' } },
    handle: async ({ res, deps }) => {
      res.type(deps.metrics.contentType).send(await deps.metrics.render());
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/backups',
    access: 'admin',
    tag: 'Operations',
    summary: 'Back up the metadata, models and serving index while serving',
    description:
      'Written into the server\'s backup folder (PAINTER_BACKUP_DIR, default `$PAINTER_DATA_DIR/backups`) from one consistent snapshot, with a manifest of checksums; `painter restore DIR` restores it. `painter backup DIR` calls this when the server holds the embedded database.',
    responses: { 201: { description: 'The backup written', schema: backupRecord } },
    errors: ['BACKUP_FAILED', 'STORAGE_FAILED'],
    handle: async ({ res, services }) => {
      res.status(201).json(await services.backups.create());
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/openapi.json',
    access: 'public',
    tag: 'Operations',
    summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'The OpenAPI document', contentType: 'application/json' } },
    handle: ({ deps }) => deps.openapi(),
  }),
  defineRoute({
    method: 'get',
    path: '/api/docs',
    access: 'public',
    tag: 'Operations',
    summary: 'A browsable reference of this API',
    responses: { 200: { description: 'The reference page', contentType: 'text/html' } },
    handle: ({ res }) => {
      setPageHeaders(res);
      res.type('html').send(REFERENCE_HTML);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/graphql',
    access: 'read',
    tag: 'GraphQL',
    summary: 'The GraphQL endpoint (Apollo Server)',
    description: 'The same services as REST. The endpoint needs a read key when read keys are configured; mutations need an admin key. Errors come in the GraphQL shape with `extensions.code`.',
    body: { json: graphqlRequest, required: true },
    responses: { 200: { description: 'A GraphQL response', contentType: 'application/graphql-response+json' } },
    handle: ({ req, res, next, deps }) => deps.graphql(req, res, next),
  }),
  defineRoute({
    method: 'get',
    path: '/graphql',
    access: 'read',
    tag: 'GraphQL',
    summary: 'GraphQL over GET (queries), or the sandbox page while introspection is on',
    responses: { 200: { description: 'A GraphQL response or the sandbox page', contentType: 'application/graphql-response+json' } },
    handle: ({ req, res, next, deps }) => deps.graphql(req, res, next),
  }),
];
