/**
 * The index answering queries right now, with what filters need to know about each label.
 * Swapping replaces the whole snapshot in one assignment, so a query sees either the old index or
 * the new one, never a mix.
 */
import type { PaintingSplit } from '../db/types.js';
import { PainterError } from '../errors.js';
import type { VectorIndex } from '../index/vector-index.js';
import type { ServingNorms } from '../scoring/serving-norms.js';

export interface IndexedPainting {
  /** Null for an unlabelled painting: searched and compared, never counted as an artist. */
  artistId: number | null;
  split: PaintingSplit;
  /** Lower-cased, for case-insensitive filtering. */
  style: string | null;
}

export interface ServingIndex {
  buildId: number;
  modelVersion: number;
  index: VectorIndex;
  /** Painting id (the index label) → filter fields. */
  paintings: Map<number, IndexedPainting>;
  /** Cohort radii and artist spreads; null when the model has no cohort (distances served raw). */
  norms: ServingNorms | null;
  params: { M: number; efConstruction: number; ef: number };
  buildSeconds: number | null;
  createdAt: Date;
}

export class LiveIndex {
  private snapshot: ServingIndex | null = null;
  private readonly listeners = new Set<(s: ServingIndex) => void>();

  get serving(): ServingIndex | null {
    return this.snapshot;
  }

  require(): ServingIndex {
    if (!this.snapshot) {
      throw new PainterError('INDEX_NOT_READY', 'No index is loaded: build one with `painter index` or POST /api/index/rebuild');
    }
    return this.snapshot;
  }

  swap(next: ServingIndex): ServingIndex | null {
    const previous = this.snapshot;
    this.snapshot = next;
    for (const l of this.listeners) l(next);
    return previous;
  }

  onSwap(listener: (s: ServingIndex) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
