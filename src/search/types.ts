/**
 * What the similarity queries take and answer. REST and GraphQL both serialise these shapes, so
 * the two APIs cannot drift apart.
 */
import type { PaintingSplit } from '../db/types.js';

/** A painting as queries show it: enough to render a result without another request. */
export interface PaintingSummary {
  id: number;
  title: string | null;
  year: string | null;
  style: string | null;
  split: PaintingSplit;
  artistId: number;
  artist: string;
  width: number;
  height: number;
  imageUrl: string;
  thumbnailUrl: string;
}

export interface PaintingNeighbour extends PaintingSummary {
  /** Euclidean distance in the embedding space (0–10). */
  distance: number;
}

export interface ArtistMatch {
  artistId: number;
  artist: string;
  /** The aggregated distance the ranking uses (see README, "Nearest artists"). */
  distance: number;
  /** 0–1, higher is closer: the share of the neighbourhood's similarity that falls on this artist. */
  score: number;
  /** The artist's paintings among the nearest neighbours, closest first. */
  paintings: PaintingNeighbour[];
}

/** Where a query's image comes from. */
export type QueryImage =
  | { kind: 'painting'; paintingId: number }
  | { kind: 'upload'; bytes: Buffer; filename?: string }
  /** An upload stored earlier with POST /api/uploads, referred to by id (GraphQL uses these). */
  | { kind: 'stored-upload'; uploadId: string };

export interface SearchFilters {
  /** Only paintings of these splits. */
  splits?: PaintingSplit[];
  /** Only paintings of this style (case-insensitive). */
  style?: string;
  /** Leave out the query painting's own artist (only for a corpus painting). */
  excludeOwnArtist?: boolean;
}

export interface QueryInfo {
  /** The corpus painting queried, when the query was one. */
  paintingId: number | null;
  modelVersion: number;
  indexId: number;
  tookMs: number;
}

export interface NearestArtistsResult {
  artists: ArtistMatch[];
  query: QueryInfo;
}

export interface SimilarPaintingsResult {
  paintings: PaintingNeighbour[];
  query: QueryInfo;
}

export interface VerifyResult {
  sameArtist: boolean;
  distance: number;
  /** Distances at or below this are judged "same artist". */
  threshold: number;
  /** Probability of the decision being right, from the calibration on the evaluation pairs (0.5–1). */
  confidence: number;
  /** Probability that the two share an artist, from the calibration. */
  probabilitySameArtist: number;
  /** Where the threshold came from: a stored evaluation of this model, or the default. */
  calibration: { source: 'evaluation' | 'default'; evaluationId: number | null };
  modelVersion: number;
}
