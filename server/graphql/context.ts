import type { Request } from 'express';
import type { BatchLimits } from '../../src/config.js';
import type { ApiKeyCheck } from '../http/api-key.js';
import type { ServerServices } from '../services.js';

export interface GraphqlContext {
  services: ServerServices;
  batchLimits: BatchLimits;
  /** Throws API_KEY_REQUIRED / API_KEY_INVALID unless the request carries a valid key. */
  requireApiKey(): void;
}

/**
 * The key is checked by each mutation resolver rather than here, so queries work without one and
 * a refused mutation is an ordinary GraphQL error with its code.
 */
export function contextFor(services: ServerServices, apiKey: ApiKeyCheck, batchLimits: BatchLimits) {
  return async ({ req }: { req: Request }): Promise<GraphqlContext> => ({
    services,
    batchLimits,
    requireApiKey: () => apiKey.verify(req.headers),
  });
}
