import { storedUpload } from '../../src/shapes/uploads.js';
import { defineRoute } from '../api/route.js';
import { bodyKind } from '../http/body.js';
import { imageForm } from '../http/params.js';
import { requireFile } from '../http/upload.js';

export const uploadRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/uploads',
    access: 'read',
    tag: 'Search',
    summary: 'Store an image for later queries by id',
    description: 'Validated (decodable, under the pixel limit) and kept an hour; GraphQL takes images only this way.',
    body: { multipart: imageForm, required: true },
    upload: 'image',
    responses: { 201: { description: 'The stored upload', schema: storedUpload } },
    errors: ['IMAGE_MISSING', 'IMAGE_EMPTY', 'IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE'],
    handle: async ({ req, res, services }) => {
      bodyKind(req, ['multipart']);
      const { bytes, filename } = requireFile(req, 'image');
      res.status(201).json(await services.uploads.store(bytes, filename));
    },
  }),
];
