/** What the similarity queries answer: nearest artists, similar paintings, a pair verdict. */
import { z } from 'zod';
import { named, paintingFields, paintingUrlFields, unnamed, type Namer } from './painting.js';

export const queryInfoFields = {
  paintingId: z.number().int().nullable().meta({ description: 'The corpus painting queried, when the query was one' }),
  modelVersion: z.number().int(),
  indexId: z.number().int(),
  tookMs: z.number(),
};

export const verifyResultFields = {
  sameArtist: z.boolean(),
  distance: z.number().meta({ description: 'Euclidean distance of the two embeddings (0–10)' }),
  threshold: z.number().meta({ description: 'Distances at or below this are judged "same artist"' }),
  confidence: z.number().meta({ description: 'Probability of the decision being right, from the calibration (0.5–1)' }),
  probabilitySameArtist: z.number().meta({ description: 'Probability that the two share an artist, from the calibration' }),
  calibration: z.object({ source: z.enum(['evaluation', 'default']), evaluationId: z.number().int().nullable() }),
  modelVersion: z.number().int(),
};

/** The search answers over a painting shape: the core's (no URLs) or the API's (with them). */
export function searchShapes<P extends z.ZodRawShape>(painting: P, name: Namer) {
  const paintingSummary = name(z.object(painting), 'PaintingSummary', 'A painting as answers show it: enough to render it without another request');
  const paintingNeighbour = name(z.object({ ...painting, distance: z.number().meta({ description: 'Euclidean distance in the embedding space (0–10)' }) }), 'PaintingNeighbour');
  const artistMatch = name(
    z.object({
      artistId: z.number().int(),
      artist: z.string(),
      distance: z.number().meta({ description: 'The aggregated distance the ranking uses (mean of the three closest paintings)' }),
      score: z.number().meta({ description: "0–1: the share of the neighbourhood's similarity that falls on this artist" }),
      paintings: z.array(paintingNeighbour).meta({ description: "The artist's paintings among the nearest neighbours, closest first" }),
    }),
    'ArtistMatch',
  );
  const queryInfo = name(z.object(queryInfoFields), 'QueryInfo');
  const nearestArtistsResult = name(z.object({ artists: z.array(artistMatch), query: queryInfo }), 'NearestArtistsResult');
  const similarPaintingsResult = name(z.object({ paintings: z.array(paintingNeighbour), query: queryInfo }), 'SimilarPaintingsResult');
  const verifyResult = name(z.object(verifyResultFields), 'VerifyResult');
  return { paintingSummary, paintingNeighbour, artistMatch, queryInfo, nearestArtistsResult, similarPaintingsResult, verifyResult };
}

export const coreSearch = searchShapes(paintingFields, unnamed);
export const apiSearch = searchShapes({ ...paintingFields, ...paintingUrlFields }, named);

export type PaintingNeighbour = z.infer<typeof coreSearch.paintingNeighbour>;
export type NearestArtistsResult = z.infer<typeof coreSearch.nearestArtistsResult>;
export type SimilarPaintingsResult = z.infer<typeof coreSearch.similarPaintingsResult>;
export type VerifyResult = z.infer<typeof coreSearch.verifyResult>;
export type QueryInfo = z.infer<typeof coreSearch.queryInfo>;

export type ApiPaintingSummary = z.infer<typeof apiSearch.paintingSummary>;
export type ApiNearestArtistsResult = z.infer<typeof apiSearch.nearestArtistsResult>;
export type ApiSimilarPaintingsResult = z.infer<typeof apiSearch.similarPaintingsResult>;
