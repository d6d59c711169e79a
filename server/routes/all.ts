/**
 * The one list of the HTTP API's routes. Adding a route is adding its entry to a module's list
 * (and that list here); mounting, the OpenAPI document and the role tests follow from it.
 */
import type { AnyRoute } from '../api/route.js';
import { artistRoutes } from './artists.js';
import { healthRoutes } from './health.js';
import { indexRoutes } from './index.js';
import { jobRoutes } from './jobs.js';
import { modelRoutes } from './models.js';
import { operationRoutes } from './operations.js';
import { paintingRoutes } from './paintings.js';
import { uploadRoutes } from './uploads.js';
import { verifyRoutes } from './verify.js';

export const ROUTES: readonly AnyRoute[] = [
  ...healthRoutes,
  ...artistRoutes,
  ...paintingRoutes,
  ...verifyRoutes,
  ...uploadRoutes,
  ...modelRoutes,
  ...indexRoutes,
  ...jobRoutes,
  ...operationRoutes,
];
