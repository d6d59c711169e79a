/**
 * Catalog rows of the paintings queries show, kept per serving index: the same neighbours come
 * back again and again, and each database round trip costs the server's thread (the embedded
 * database runs on it). A swapped-in index starts a fresh cache (the old one goes with its
 * snapshot); paintings removed from the live index are never searched up again, so a cached row
 * is never shown stale. At most one row per indexed painting.
 */
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { CatalogPainting } from '../db/types.js';
import type { ServingIndex } from './live-index.js';

export class PaintingRows {
  private readonly bySnapshot = new WeakMap<ServingIndex, Map<number, CatalogPainting>>();

  constructor(private readonly catalog: Pick<CatalogRepository, 'getPaintings'>) {}

  async get(serving: ServingIndex, ids: readonly number[]): Promise<Map<number, CatalogPainting>> {
    let cache = this.bySnapshot.get(serving);
    if (!cache) this.bySnapshot.set(serving, (cache = new Map()));
    const out = new Map<number, CatalogPainting>();
    const missing: number[] = [];
    for (const id of ids) {
      const row = cache.get(id);
      if (row) out.set(id, row);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    // The ids come from the index's search hits, so the cache stays bounded by the index.
    for (const [id, row] of await this.catalog.getPaintings(missing)) {
      out.set(id, row);
      cache.set(id, row);
    }
    return out;
  }
}
