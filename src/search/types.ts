/**
 * What the similarity queries take; what they answer is defined once, as schemas, in src/shapes/.
 */
import type { PaintingSplit } from '../db/types.js';
import type { Painting } from '../shapes/painting.js';

export type { NearestArtistsResult, PaintingNeighbour, QueryInfo, SimilarPaintingsResult, VerifyResult } from '../shapes/search.js';
/** A painting as the core answers with it (the HTTP layer adds where its pixels are served). */
export type PaintingSummary = Painting;

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
