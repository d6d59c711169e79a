import { describe, expect, it } from 'vitest';
import type { CatalogPainting } from '../../src/db/types.js';
import type { ServingIndex } from '../../src/services/live-index.js';
import { PaintingRows } from '../../src/services/painting-rows.js';

function snapshot(_ids: number[]): ServingIndex {
  return { buildId: 1 } as unknown as ServingIndex;
}

function countingCatalog() {
  const asked: number[][] = [];
  return {
    asked,
    getPaintings: async (ids: readonly number[]) => {
      asked.push([...ids]);
      return new Map(ids.map((id) => [id, { id, title: `painting ${id}` } as unknown as CatalogPainting]));
    },
  };
}

describe('PaintingRows', () => {
  it('asks the database only for rows it has not seen under the serving index', async () => {
    const catalog = countingCatalog();
    const rows = new PaintingRows(catalog);
    const serving = snapshot([1, 2, 3]);
    expect([...(await rows.get(serving, [1, 2])).keys()]).toEqual([1, 2]);
    expect([...(await rows.get(serving, [2, 3, 1])).keys()].sort()).toEqual([1, 2, 3]);
    expect(catalog.asked).toEqual([[1, 2], [3]]);
  });

  it('starts afresh for a swapped-in index', async () => {
    const catalog = countingCatalog();
    const rows = new PaintingRows(catalog);
    await rows.get(snapshot([1]), [1, 9]);
    await rows.get(snapshot([1]), [1]);
    const serving = snapshot([1]);
    await rows.get(serving, [1, 9]);
    await rows.get(serving, [1, 9]);
    expect(catalog.asked).toEqual([[1, 9], [1], [1, 9]]);
  });
});
