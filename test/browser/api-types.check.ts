/**
 * Compile-time only (checked by `npm run typecheck`): every answer the server's contract
 * declares must fit the shape the web page reads.
 */
import type * as Server from '../../server/services.js';
import type * as Search from '../../src/search/types.js';
import type * as Page from '../../web/src/api-types.js';

type Fits<Actual extends Expected, Expected> = [Actual, Expected];

export type Checks = [
  Fits<Search.NearestArtistsResult, Page.NearestArtistsResult>,
  Fits<Search.SimilarPaintingsResult, Page.SimilarPaintingsResult>,
  Fits<Search.VerifyResult, Page.VerifyResult>,
  Fits<Server.StoredUpload, Page.StoredUpload>,
  Fits<Server.Page<Server.ArtistSummary>, Page.Page<Page.ArtistSummary>>,
  Fits<Server.Page<Search.PaintingSummary>, Page.Page<Page.PaintingSummary>>,
  Fits<Server.ModelSummary, Page.ModelSummary>,
  Fits<Server.RocEvaluation, Page.RocEvaluation>,
  Fits<Server.IndexStatus, Page.IndexStatus>,
  Fits<Server.Job, Page.Job>,
  Fits<Server.EmbeddingMap, Page.EmbeddingMap>,
];
