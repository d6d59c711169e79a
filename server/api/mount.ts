/**
 * Mounts the route table on an express router: per entry the role check (before any upload is
 * buffered), the upload parser, validation of path and query parameters with the entry's schemas,
 * and the handler, whose return value is sent as JSON. Literal paths are mounted before
 * parameterised ones (`/api/paintings/similar` before `/api/paintings/:id`), and each path ends
 * with a 405 naming the methods it does answer.
 */
import { Router, type RequestHandler } from 'express';
import { PainterError } from '../../src/errors.js';
import type { AccessControl } from '../http/access.js';
import { parse } from '../http/params.js';
import type { AnyRoute, RouteDeps } from './route.js';
import { successStatus } from './route.js';

/** The route pattern a request matched, for logs and metrics (never the raw URL). */
export const ROUTE_LOCAL = 'route';

export function mountRoutes(routes: readonly AnyRoute[], deps: RouteDeps, access: AccessControl): Router {
  const router = Router();
  for (const [path, group] of byPath(routes)) {
    for (const route of group) {
      const chain: RequestHandler[] = [label(path), access.middleware(route.access)];
      if (route.upload) chain.push(deps.uploads[route.upload]);
      chain.push(handler(route, deps));
      router[route.method](path, ...chain);
    }
    router.all(path, label(path), methodNotAllowed(group.map((r) => r.method)));
  }
  return router;
}

function label(path: string): RequestHandler {
  return (_req, res, next) => {
    res.locals[ROUTE_LOCAL] = path;
    next();
  };
}

function handler(route: AnyRoute, deps: RouteDeps): RequestHandler {
  const status = successStatus(route);
  return async (req, res, next) => {
    const params = route.params ? parse(route.params, req.params) : {};
    const query = route.query ? parse(route.query, req.query) : {};
    const body = await route.handle({ params, query, req, res, next, services: deps.services, deps });
    if (body !== undefined && !res.headersSent) res.status(status).json(body);
  };
}

function methodNotAllowed(methods: string[]): RequestHandler {
  const allow = [...new Set(methods.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()])))].join(', ');
  return (req, res) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    throw new PainterError('METHOD_NOT_ALLOWED', `${req.method} is not answered at ${req.path}: use ${allow}`, { allow: allow.split(', ') });
  };
}

/** Routes grouped by path, the most specific paths first (a literal segment beats a parameter). */
export function byPath(routes: readonly AnyRoute[]): [string, AnyRoute[]][] {
  const groups = new Map<string, AnyRoute[]>();
  for (const r of routes) groups.set(r.path, [...(groups.get(r.path) ?? []), r]);
  return [...groups].sort(([a], [b]) => compareSpecificity(a, b));
}

function compareSpecificity(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i].startsWith(':');
    const pb = sb[i].startsWith(':');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}
