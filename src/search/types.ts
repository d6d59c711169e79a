/**
 * What the similarity queries take and answer. REST and GraphQL both serialise these shapes, so
 * the two APIs cannot drift apart.
 */
import type { PaintingSplit } from '../db/types.js';
import type { OpenSetVerdict, OpenSetRule } from '../scoring/open-set.js';

/** A painting as queries show it: enough to render a result without another request. */
export interface PaintingSummary {
  id: number;
  title: string | null;
  year: string | null;
  style: string | null;
  split: PaintingSplit;
  /** Null for an unlabelled painting (artist unknown). */
  artistId: number | null;
  artist: string | null;
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
  /** The mean distance of the artist's (up to 3) nearest paintings (see README, "Nearest artists"). */
  distance: number;
  /**
   * What the artists were ranked by when the ranking is cohort-normalised: the padded mean of the
   * artist's 3 best normalised distances. Null when ranked by raw distances.
   */
  normalisedDistance: number | null;
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

/** An item of a batch: an image, or one the request already named wrongly (answered with its error). */
export type BatchImage = QueryImage | { kind: 'invalid'; error: Error };

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

/** Whether the best artist is likely the painter at all. */
export interface OpenSetResult {
  /** indexed-artist: likely one of the indexed artists; no-indexed-artist: likely none of them; uncertain: the evidence cannot tell. */
  verdict: OpenSetVerdict;
  /** Probability that the painter is one of the indexed artists, calibrated on held-out artists (equal prior of indexed and not). */
  probabilityIndexed: number;
  /** Probability that the best-ranked artist is the painter (at the held-out mix of known and unknown painters); null when the evaluation did not calibrate it. */
  probabilityBestArtist: number | null;
  /** The score the rule reads (see README, "Open set"). */
  score: OpenSetRule['score'];
  /** A verdict is stated at this probability or more. */
  confidence: number;
  evaluationId: number | null;
}

export interface NearestArtistsResult {
  artists: ArtistMatch[];
  /** Null when the model has no open-set rule (no evaluation with one, no cohort) or nothing was found. */
  openSet: OpenSetResult | null;
  /** How artists were ranked: by raw distances or cohort-normalised ones (whichever measured better for this model). */
  ranking: 'raw' | 'csls';
  query: QueryInfo;
}

export interface SimilarPaintingsResult {
  paintings: PaintingNeighbour[];
  query: QueryInfo;
}

export interface VerifyResult {
  sameArtist: boolean;
  /** Euclidean distance of the two embeddings (0–10). */
  distance: number;
  /** What the decision reads: the raw distance, or the cohort-normalised one where that measured better. */
  score: { kind: 'distance' | 'csls'; value: number };
  /** Scores at or below this are judged "same artist" (in the units of `score`). */
  threshold: number;
  /** Probability of the decision being right, from the calibration on the evaluation pairs (0.5–1). */
  confidence: number;
  /** Probability that the two share an artist, from the calibration. */
  probabilitySameArtist: number;
  /** Where the threshold came from: a stored evaluation of this model, or the default. */
  calibration: { source: 'evaluation' | 'default'; evaluationId: number | null };
  modelVersion: number;
}

/** A failed item of a batch: the error a single request would have answered with. */
export interface ItemError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** One answer per item, in the order asked; exactly one of result and error is set. */
export interface BatchItem<T> {
  index: number;
  result: T | null;
  error: ItemError | null;
}

export interface BatchResult<T> {
  items: BatchItem<T>[];
  succeeded: number;
  failed: number;
  tookMs: number;
}
