/**
 * The shapes the use cases answer with, as zod schemas: the one source of every API type. The
 * core's answers carry no URLs (where an image is fetched from is the HTTP layer's business);
 * `withUrls` gives the variants the REST and GraphQL answers show, and server/openapi documents
 * those. Types are inferred from the schemas, never written out a second time.
 */
import { z } from 'zod';
import { PAINTING_SPLITS } from '../db/types.js';

/** Attaches an OpenAPI component name to the API variant of a shape (the core's own stay unnamed). */
export type Namer = <S extends z.ZodType>(schema: S, id: string, description?: string) => S;
export const unnamed: Namer = (schema) => schema;
export const named: Namer = (schema, id, description) => schema.meta({ id, ...(description ? { description } : {}) });

export const paintingFields = {
  id: z.number().int(),
  title: z.string().nullable(),
  year: z.string().nullable(),
  style: z.string().nullable(),
  split: z.enum(PAINTING_SPLITS),
  artistId: z.number().int(),
  artist: z.string().meta({ description: "The artist's name" }),
  width: z.number().int(),
  height: z.number().int(),
};

/** Where the HTTP layer serves a painting's pixels. */
export const paintingUrlFields = {
  imageUrl: z.string().meta({ description: 'The original image' }),
  thumbnailUrl: z.string().meta({ description: 'A JPEG thumbnail; `?size=128|256|512`' }),
};

export const paintingSchema = z.object(paintingFields);
export type Painting = z.infer<typeof paintingSchema>;
