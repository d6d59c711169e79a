import { Router } from 'express';
import { bodyKind } from '../http/body.js';
import { requireFile } from '../http/upload.js';
import type { RouteDeps } from './deps.js';

/** Stores an image for later queries by id (GraphQL takes images only this way). */
export function uploadsRoutes({ services, uploads }: RouteDeps): Router {
  const r = Router();
  r.post('/api/uploads', uploads.image, async (req, res) => {
    bodyKind(req, ['multipart']);
    const { bytes, filename } = requireFile(req, 'image');
    res.status(201).json(await services.uploads.store(bytes, filename));
  });
  return r;
}
