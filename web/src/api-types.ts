/**
 * The JSON the page reads from the REST API, by name. Every shape comes from api-schema.ts,
 * which is generated from the server's OpenAPI document (itself generated from the zod schemas
 * the routes answer with), so the page holds no copy of its own.
 */
import type { components } from './api-schema.js';

type Schemas = components['schemas'];

export type PaintingSummary = Schemas['PaintingSummary'];
export type PaintingNeighbour = Schemas['PaintingNeighbour'];
export type ArtistMatch = Schemas['ArtistMatch'];
export type QueryInfo = Schemas['QueryInfo'];
export type NearestArtistsResult = Schemas['NearestArtistsResult'];
export type SimilarPaintingsResult = Schemas['SimilarPaintingsResult'];
export type VerifyResult = Schemas['VerifyResult'];
export type StoredUpload = Schemas['StoredUpload'];
export type ArtistSummary = Schemas['ArtistSummary'];
export type TrainingEpoch = Schemas['TrainingEpoch'];
export type ModelSummary = Schemas['ModelSummary'];
export type RocPoint = Schemas['RocPoint'];
export type DistanceHistograms = Schemas['DistanceHistograms'];
export type RocEvaluation = Schemas['RocEvaluation'];
export type Progress = Schemas['Progress'];
export type IndexStatus = Schemas['IndexStatus'];
export type Job = Schemas['Job'];
export type MapPoint = Schemas['MapPoint'];
export type EmbeddingMap = Schemas['EmbeddingMap'];

/** A page of items (`ArtistPage`, `PaintingPage`, …), by its item type. */
export type Page<T> = Omit<Schemas['ArtistPage'], 'items'> & { items: T[] };
