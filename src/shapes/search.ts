/** What the similarity queries answer: nearest artists, similar paintings, a pair verdict. */
import { z } from 'zod';
import { OPEN_SET_FEATURES, OPEN_SET_VERDICTS } from '../scoring/open-set.js';
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
  score: z
    .object({ kind: z.enum(['distance', 'csls']), value: z.number() })
    .meta({ description: 'What the decision reads: the raw distance, or the cohort-normalised one where that measured better for the model' }),
  threshold: z.number().meta({ description: 'Scores at or below this are judged "same artist" (in the units of `score`)' }),
  confidence: z.number().meta({ description: 'Probability of the decision being right, from the calibration (0.5–1)' }),
  probabilitySameArtist: z.number().meta({ description: 'Probability that the two share an artist, from the calibration' }),
  calibration: z.object({ source: z.enum(['evaluation', 'default']), evaluationId: z.number().int().nullable() }),
  modelVersion: z.number().int(),
};

export const openSetFields = {
  verdict: z.enum(OPEN_SET_VERDICTS).meta({ description: 'indexed-artist: likely one of the indexed artists; no-indexed-artist: likely none of them; uncertain: the evidence cannot tell' }),
  probabilityIndexed: z.number().min(0).max(1).meta({ description: 'Probability that the painter is one of the indexed artists, calibrated on held-out artists (equal prior of indexed and not)' }),
  probabilityBestArtist: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: 'Probability that the best-ranked artist is the painter, at the held-out mix of known and unknown painters; null when the evaluation did not calibrate it' }),
  score: z.union([z.enum(OPEN_SET_FEATURES), z.literal('learned')]).meta({ description: 'The score the rule reads' }),
  confidence: z.number().meta({ description: 'A verdict is stated at this probability or more' }),
  evaluationId: z.number().int().nullable(),
};

/** The search answers over a painting shape: the core's (no URLs) or the API's (with them). */
export function searchShapes<P extends z.ZodRawShape>(painting: P, name: Namer) {
  const paintingSummary = name(z.object(painting), 'PaintingSummary', 'A painting as answers show it: enough to render it without another request');
  const paintingNeighbour = name(z.object({ ...painting, distance: z.number().meta({ description: 'Euclidean distance in the embedding space (0–10)' }) }), 'PaintingNeighbour');
  const artistMatch = name(
    z.object({
      artistId: z.number().int(),
      artist: z.string(),
      distance: z.number().meta({ description: "The mean distance of the artist's (up to 3) nearest paintings" }),
      normalisedDistance: z
        .number()
        .nullable()
        .meta({ description: "What the artists were ranked by when the ranking is cohort-normalised (the padded mean of the artist's 3 best normalised distances); null when ranked by raw distances" }),
      score: z.number().meta({ description: "0–1: the share of the neighbourhood's similarity that falls on this artist" }),
      paintings: z.array(paintingNeighbour).meta({ description: "The artist's paintings among the nearest neighbours, closest first" }),
    }),
    'ArtistMatch',
  );
  const queryInfo = name(z.object(queryInfoFields), 'QueryInfo');
  const openSetResult = name(z.object(openSetFields), 'OpenSetResult', 'Whether the best artist is likely the painter at all (see README, "Open set")');
  const nearestArtistsResult = name(
    z.object({
      artists: z.array(artistMatch),
      openSet: z.union([openSetResult, z.null()]).meta({ description: 'Null when the model has no open-set rule (no evaluation with one, no cohort) or nothing was found' }),
      ranking: z.enum(['raw', 'csls']).meta({ description: 'How artists were ranked: by raw distances or cohort-normalised ones (whichever measured better for this model)' }),
      query: queryInfo,
    }),
    'NearestArtistsResult',
  );
  const similarPaintingsResult = name(z.object({ paintings: z.array(paintingNeighbour), query: queryInfo }), 'SimilarPaintingsResult');
  const verifyResult = name(z.object(verifyResultFields), 'VerifyResult');
  return { paintingSummary, paintingNeighbour, artistMatch, queryInfo, openSetResult, nearestArtistsResult, similarPaintingsResult, verifyResult };
}

export const coreSearch = searchShapes(paintingFields, unnamed);
export const apiSearch = searchShapes({ ...paintingFields, ...paintingUrlFields }, named);

export type PaintingNeighbour = z.infer<typeof coreSearch.paintingNeighbour>;
export type NearestArtistsResult = z.infer<typeof coreSearch.nearestArtistsResult>;
export type SimilarPaintingsResult = z.infer<typeof coreSearch.similarPaintingsResult>;
export type VerifyResult = z.infer<typeof coreSearch.verifyResult>;
export type QueryInfo = z.infer<typeof coreSearch.queryInfo>;
export type OpenSetResult = z.infer<typeof coreSearch.openSetResult>;
export type ArtistMatch = z.infer<typeof coreSearch.artistMatch>;

export type ApiPaintingSummary = z.infer<typeof apiSearch.paintingSummary>;
export type ApiNearestArtistsResult = z.infer<typeof apiSearch.nearestArtistsResult>;
export type ApiSimilarPaintingsResult = z.infer<typeof apiSearch.similarPaintingsResult>;
