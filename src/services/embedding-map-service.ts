/**
 * The corpus map: the serving index's vectors laid out in 2-D (UMAP), each point a painting with
 * its artist, so the page can show how the encoder groups artists. Large corpora are sampled
 * (seeded, so the same build gives the same map); the layout is computed once per index build and
 * sample size and kept until the next build is swapped in.
 */
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import { PainterError } from '../errors.js';
import { layoutInWorker } from '../projection/layout-in-worker.js';
import { Rng } from '../util/random.js';
import type { LiveIndex, ServingIndex } from './live-index.js';
import type { EmbeddingMap, EmbeddingMapPoint } from '../shapes/embedding-map.js';

export const MAP_DEFAULT_POINTS = 1000;
export const MAP_MAX_POINTS = 2000;
const SAMPLE_SEED = 42;

export type { EmbeddingMap, EmbeddingMapPoint } from '../shapes/embedding-map.js';

export class EmbeddingMapService {
  /** Key: index build and sample size. A failed computation is dropped so the next call retries. */
  private readonly cache = new Map<string, Promise<EmbeddingMap>>();

  constructor(
    private readonly catalog: Pick<CatalogRepository, 'getPaintings'>,
    private readonly live: LiveIndex,
    private readonly layout: typeof layoutInWorker = layoutInWorker,
  ) {
    live.onSwap(() => this.cache.clear());
  }

  async map(options: { limit?: number } = {}): Promise<EmbeddingMap> {
    const limit = options.limit ?? MAP_DEFAULT_POINTS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAP_MAX_POINTS) {
      throw new PainterError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${MAP_MAX_POINTS}`, { field: 'limit' });
    }
    const serving = this.live.require();
    const key = `${serving.buildId}:${limit}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.compute(serving, limit);
      this.cache.set(key, pending);
      pending.catch(() => this.cache.delete(key));
    }
    return pending;
  }

  private async compute(serving: ServingIndex, limit: number): Promise<EmbeddingMap> {
    const { index } = serving;
    const all = index.labels();
    const labels = all.length > limit ? new Rng(SAMPLE_SEED).sample(all, limit).sort((a, b) => a - b) : all;
    const vectors = new Float32Array(labels.length * index.dim);
    labels.forEach((label, i) => vectors.set(index.vector(label), i * index.dim));
    const coordinates = await this.layout(vectors, index.dim, { seed: SAMPLE_SEED });
    // A painting removed while the layout ran is left out.
    const paintings = await this.catalog.getPaintings(labels);
    const points: EmbeddingMapPoint[] = [];
    labels.forEach((label, i) => {
      const p = paintings.get(label);
      if (!p) return;
      points.push({
        paintingId: p.id,
        artistId: p.artistId,
        artist: p.artistName,
        title: p.title,
        x: coordinates[2 * i],
        y: coordinates[2 * i + 1],
      });
    });
    return { method: 'umap', modelVersion: serving.modelVersion, indexId: serving.buildId, total: all.length, points };
  }
}
