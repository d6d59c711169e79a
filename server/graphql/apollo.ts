/**
 * The GraphQL endpoint: Apollo Server over the same services as REST. Apollo must be started
 * before its middleware is mounted, hence the async factory.
 */
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import type { RequestHandler } from 'express';
import type { AccessControl } from '../http/access.js';
import type { ServerLog } from '../http/errors.js';
import type { ServerServices } from '../services.js';
import { contextFor, type GraphqlContext } from './context.js';
import { formatGraphqlError } from './errors.js';
import { queryLimitsRule } from './limits.js';
import { landingPage } from './plugins.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export const GRAPHQL_LIMITS = {
  maxDepth: 10,
  maxCost: 200,
  // Each of these runs the encoder and an index search (the map: a layout of the corpus, once per build).
  weights: { nearestArtists: 20, similarPaintings: 20, verifyPair: 20, embeddingMap: 20 },
  /** Parser token cap: bounds the work before validation even starts (introspection needs ~500). */
  maxTokens: 5000,
};

export interface GraphqlEndpoint {
  middleware: RequestHandler;
  stop(): Promise<void>;
}

export async function createGraphql(options: {
  services: ServerServices;
  access: AccessControl;
  introspection: boolean;
  log: ServerLog;
}): Promise<GraphqlEndpoint> {
  const { services, access, introspection, log } = options;
  const server = new ApolloServer<GraphqlContext>({
    typeDefs,
    resolvers,
    introspection,
    // Without introspection, "did you mean …" hints would leak the schema anyway.
    hideSchemaDetailsFromClientErrors: !introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    validationRules: [queryLimitsRule(GRAPHQL_LIMITS)],
    formatError: formatGraphqlError(log),
    plugins: [landingPage(introspection)],
    // The process owner (start-server) handles signals and calls stop().
    stopOnTerminationSignals: false,
  });
  await server.start();
  return {
    middleware: expressMiddleware(server, { context: contextFor(services, access) }),
    stop: () => server.stop(),
  };
}
