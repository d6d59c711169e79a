/**
 * Where the REST API serves a painting's pixels. The core answers with paintings alone; these add
 * the URLs on the way out, for REST and GraphQL alike.
 */
import type { EmbeddingMap, EmbeddingMapPoint } from '../../src/shapes/embedding-map.js';
import type { NearestArtistsResult, SimilarPaintingsResult } from '../../src/shapes/search.js';

export const imageUrl = (paintingId: number) => `/api/paintings/${paintingId}/image`;
export const thumbnailUrl = (paintingId: number) => `/api/paintings/${paintingId}/thumbnail`;

export function withUrls<P extends { id: number }>(p: P): P & { imageUrl: string; thumbnailUrl: string } {
  return { ...p, imageUrl: imageUrl(p.id), thumbnailUrl: thumbnailUrl(p.id) };
}

export function nearestWithUrls(r: NearestArtistsResult) {
  return { ...r, artists: r.artists.map((a) => ({ ...a, paintings: a.paintings.map(withUrls) })) };
}

export function similarWithUrls(r: SimilarPaintingsResult) {
  return { ...r, paintings: r.paintings.map(withUrls) };
}

export function mapWithUrls(m: EmbeddingMap) {
  return { ...m, points: m.points.map((p: EmbeddingMapPoint) => ({ ...p, thumbnailUrl: thumbnailUrl(p.paintingId) })) };
}
