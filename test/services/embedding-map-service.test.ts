/**
 * The corpus map over a real index and the real UMAP worker: artists' clusters stay apart in 2-D,
 * large corpora are sampled, and a layout is computed once per index build.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CatalogPainting } from '../../src/db/types.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { layoutInWorker } from '../../src/projection/layout-in-worker.js';
import { EmbeddingMapService } from '../../src/services/embedding-map-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { Rng } from '../../src/util/random.js';
import { gaussian } from '../index/helpers.js';

const DIM = 32;
const ARTISTS = 3;
const PER_ARTIST = 12;

/** Painting id 100·artist + i; each artist's vectors lie around its own centre. */
function corpusIndex(seed = 1): VectorIndex {
  const rng = new Rng(seed);
  const index = VectorIndex.create(DIM, { M: 8, efConstruction: 50, ef: 20 });
  for (let a = 1; a <= ARTISTS; a++) {
    const centre = Array.from({ length: DIM }, () => 3 * gaussian(rng));
    for (let i = 0; i < PER_ARTIST; i++) index.add(100 * a + i, centre.map((c) => c + 0.3 * gaussian(rng)));
  }
  return index;
}

function serve(live: LiveIndex, index: VectorIndex, buildId: number) {
  live.swap({ buildId, modelVersion: 3, index, paintings: new Map(), params: index.params, buildSeconds: null, createdAt: new Date() });
}

function fakeCatalog(missing: ReadonlySet<number> = new Set()) {
  return {
    getPaintings: vi.fn(async (ids: readonly number[]) => {
      const rows = ids
        .filter((id) => !missing.has(id))
        .map((id) => [id, { id, artistId: Math.floor(id / 100), artistName: `Artist ${Math.floor(id / 100)}`, title: `Painting ${id}` } as CatalogPainting] as const);
      return new Map(rows);
    }),
  };
}

const centroid = (pts: { x: number; y: number }[]) => ({
  x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
  y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
});
const spread = (pts: { x: number; y: number }[]) => {
  const c = centroid(pts);
  return pts.reduce((s, p) => s + Math.hypot(p.x - c.x, p.y - c.y), 0) / pts.length;
};

describe('EmbeddingMapService', () => {
  it('places every painting with its artist, and keeps artists apart', async () => {
    const live = new LiveIndex();
    serve(live, corpusIndex(), 7);
    const map = await new EmbeddingMapService(fakeCatalog(), live).map();
    expect(map).toMatchObject({ method: 'umap', modelVersion: 3, indexId: 7, total: ARTISTS * PER_ARTIST });
    expect(map.points).toHaveLength(ARTISTS * PER_ARTIST);
    expect(map.points[0]).toMatchObject({ paintingId: 100, artistId: 1, artist: 'Artist 1', title: 'Painting 100' });
    // Where the thumbnail is served is the HTTP layer's business.
    expect(map.points[0]).not.toHaveProperty('thumbnailUrl');
    for (const p of map.points) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);

    const byArtist = [1, 2, 3].map((a) => map.points.filter((p) => p.artistId === a));
    const centres = byArtist.map(centroid);
    const widest = Math.max(...byArtist.map(spread));
    for (let a = 0; a < ARTISTS; a++) {
      for (let b = a + 1; b < ARTISTS; b++) {
        expect(Math.hypot(centres[a].x - centres[b].x, centres[a].y - centres[b].y)).toBeGreaterThan(2 * widest);
      }
    }
  });

  it('samples large corpora the same way every time, and computes a layout once per build and size', async () => {
    const live = new LiveIndex();
    const index = corpusIndex();
    serve(live, index, 1);
    const layout = vi.fn(layoutInWorker);
    const service = new EmbeddingMapService(fakeCatalog(), live, layout);
    const [a, b] = await Promise.all([service.map({ limit: 10 }), service.map({ limit: 10 })]);
    expect(a.points).toHaveLength(10);
    expect(a.total).toBe(ARTISTS * PER_ARTIST);
    expect(b).toBe(a);
    expect(layout).toHaveBeenCalledTimes(1);

    const again = await new EmbeddingMapService(fakeCatalog(), live).map({ limit: 10 });
    expect(again.points.map((p) => p.paintingId)).toEqual(a.points.map((p) => p.paintingId));
    expect(again.points.map((p) => [p.x, p.y])).toEqual(a.points.map((p) => [p.x, p.y]));

    serve(live, index, 2);
    const next = await service.map({ limit: 10 });
    expect(next.indexId).toBe(2);
    expect(layout).toHaveBeenCalledTimes(2);
  });

  it('leaves out paintings the catalog no longer has', async () => {
    const live = new LiveIndex();
    serve(live, corpusIndex(), 1);
    const map = await new EmbeddingMapService(fakeCatalog(new Set([100, 205])), live).map();
    expect(map.points.map((p) => p.paintingId)).not.toContain(205);
    expect(map.points).toHaveLength(ARTISTS * PER_ARTIST - 2);
  });

  it('refuses without an index and for an out-of-range sample size, and retries after a failed layout', async () => {
    const live = new LiveIndex();
    const layout = vi.fn(layoutInWorker).mockRejectedValueOnce(new Error('worker died'));
    const service = new EmbeddingMapService(fakeCatalog(), live, layout);
    await expect(service.map()).rejects.toMatchObject({ code: 'INDEX_NOT_READY' });
    serve(live, corpusIndex(), 1);
    await expect(service.map({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
    await expect(service.map({ limit: 2001 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.map()).rejects.toThrow('worker died');
    expect((await service.map()).points).toHaveLength(ARTISTS * PER_ARTIST);
  });
});

describe('layoutInWorker', () => {
  it('spreads fewer points than UMAP needs on a circle, and checks the row shape', async () => {
    expect(await layoutInWorker(new Float32Array(0), 4)).toEqual(new Float32Array(0));
    const three = await layoutInWorker(new Float32Array(12), 4);
    expect(three).toHaveLength(6);
    await expect(layoutInWorker(new Float32Array(10), 4)).rejects.toThrow(RangeError);
  });
});
