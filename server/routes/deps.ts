import type { RequestHandler } from 'express';
import type { BatchLimits } from '../../src/config.js';
import type { Uploads } from '../http/upload.js';
import type { ServerServices } from '../services.js';

/** What every route module is built from. */
export interface RouteDeps {
  services: ServerServices;
  uploads: Uploads;
  /** Multipart `images` of a batch query, within the batch limits. */
  batchUpload: RequestHandler;
  batchLimits: BatchLimits;
  /** Refuses the request unless it carries a valid API key (mutations only). */
  requireApiKey: RequestHandler;
}
