import type { Request } from 'express';
import type { AccessControl } from '../http/access.js';
import type { ServerServices } from '../services.js';

export interface GraphqlContext {
  services: ServerServices;
  /** Throws API_KEY_REQUIRED / API_KEY_INVALID (401) or API_KEY_FORBIDDEN (403) unless the request carries an admin key. */
  requireAdmin(): void;
}

/**
 * Reads were checked when the request reached /graphql (a read key, when read keys are
 * configured). The admin key is checked by each mutation resolver rather than here, so a refused
 * mutation is an ordinary GraphQL error with its code.
 */
export function contextFor(services: ServerServices, access: AccessControl) {
  return async ({ req }: { req: Request }): Promise<GraphqlContext> => ({
    services,
    requireAdmin: () => void access.check('admin', req.headers),
  });
}
