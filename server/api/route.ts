/**
 * A route of the HTTP API is one entry of a table: method, path, who may call it, the zod schemas
 * of its input and answers, and a 1–3 line handler. The same entry mounts the express route
 * (server/api/mount.ts), writes its part of the OpenAPI document (server/api/openapi.ts) and puts
 * it into the role tests, so a route cannot exist undocumented or unguarded.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../../src/errors.js';
import type { ServerLog } from '../http/errors.js';
import type { Uploads } from '../http/upload.js';
import type { ServerServices } from '../services.js';

/**
 * Who may call a route. `read`: anyone while no read keys are configured, else a read or admin
 * key. `admin`: an admin key. `metrics`: any valid key as soon as keys of either kind are
 * configured (scrapers get a read key).
 */
export type Access = 'public' | 'read' | 'admin' | 'metrics';

export type Method = 'get' | 'post' | 'delete';

type ObjectSchema = z.ZodObject;

export interface RouteResponse {
  description: string;
  /** A JSON answer's schema; omitted for answers that are not JSON. */
  schema?: z.ZodType;
  /** Content type of a non-JSON answer (an image, text). */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Everything a handler is given: the validated path and query parameters and the services. */
export interface RouteContext<P, Q> {
  params: P;
  query: Q;
  req: Request;
  res: Response;
  next: NextFunction;
  services: ServerServices;
  deps: RouteDeps;
}

export interface RouteSpec<P extends ObjectSchema | undefined = ObjectSchema | undefined, Q extends ObjectSchema | undefined = ObjectSchema | undefined> {
  method: Method;
  /** Express syntax (`/api/paintings/:id`); the document shows `{id}`. */
  path: string;
  access: Access;
  /** The section of the reference it is listed under. */
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** Request bodies by kind; `multipart` routes get the upload parser for `upload`'s fields. */
  body?: { json?: z.ZodType; multipart?: z.ZodType; required?: boolean };
  upload?: keyof Uploads;
  /** The success answers by status; a handler's return value is sent as JSON with the first one. */
  responses: Record<number, RouteResponse>;
  /** Errors particular to the route (the generic ones are derived from the entry). */
  errors?: ErrorCode[];
  handle(ctx: RouteContext<P extends ObjectSchema ? z.output<P> : Record<string, never>, Q extends ObjectSchema ? z.output<Q> : Record<string, never>>): unknown;
}

/** What handlers may reach beyond the services. */
export interface RouteDeps {
  services: ServerServices;
  uploads: Uploads;
  log: ServerLog;
  /** Apollo's middleware, for the /graphql entry. */
  graphql: RequestHandler;
  /** The Prometheus exposition of the metrics registry. */
  metrics: { contentType: string; render(): Promise<string> };
  /** The OpenAPI document of the table (built once). */
  openapi(): object;
}

/** Typed construction of one entry; the table stores them widened. */
export function defineRoute<P extends ObjectSchema | undefined = undefined, Q extends ObjectSchema | undefined = undefined>(spec: RouteSpec<P, Q>): AnyRoute {
  return spec as unknown as AnyRoute;
}

export type AnyRoute = RouteSpec<ObjectSchema | undefined, ObjectSchema | undefined> & {
  handle(ctx: RouteContext<Record<string, unknown>, Record<string, unknown>>): unknown;
};

/** `/api/paintings/:id` → `/api/paintings/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function successStatus(route: AnyRoute): number {
  return Math.min(...Object.keys(route.responses).map(Number));
}
