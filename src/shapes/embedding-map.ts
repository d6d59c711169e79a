/** The serving index's paintings laid out in 2-D. */
import { z } from 'zod';
import { named, paintingUrlFields, unnamed, type Namer } from './painting.js';

const pointFields = {
  paintingId: z.number().int(),
  artistId: z.number().int(),
  artist: z.string(),
  title: z.string().nullable(),
  x: z.number(),
  y: z.number(),
};

export function embeddingMapShapes<P extends z.ZodRawShape>(point: P, name: Namer) {
  const mapPoint = name(z.object(point), 'MapPoint');
  const embeddingMap = name(
    z.object({
      method: z.literal('umap'),
      modelVersion: z.number().int(),
      indexId: z.number().int(),
      total: z.number().int().meta({ description: 'Paintings in the index; `points` holds at most the requested sample of them' }),
      points: z.array(mapPoint),
    }),
    'EmbeddingMap',
  );
  return { mapPoint, embeddingMap };
}

export const coreMap = embeddingMapShapes(pointFields, unnamed);
export const apiMap = embeddingMapShapes({ ...pointFields, thumbnailUrl: paintingUrlFields.thumbnailUrl }, named);

export type EmbeddingMapPoint = z.infer<typeof coreMap.mapPoint>;
export type EmbeddingMap = z.infer<typeof coreMap.embeddingMap>;
export type ApiEmbeddingMap = z.infer<typeof apiMap.embeddingMap>;
