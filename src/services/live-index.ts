/**
 * The build answering queries in this process right now. Swapping replaces the whole snapshot in
 * one assignment, so a query sees either the old build or the new one, never a mix. Which build
 * that is, is decided by the alias in the database (IndexService follows it).
 */
import type { VectorStoreName } from '../db/types.js';
import { PainterError } from '../errors.js';
import type { ServingNorms } from '../scoring/serving-norms.js';
import type { BuildVectors } from '../vector-store/types.js';

export interface ServingIndex {
  buildId: number;
  modelVersion: number;
  store: VectorStoreName;
  /** The build's vectors, searched with filters. */
  index: BuildVectors;
  /** The model's cohort and the build's artist spreads; null when the build has none (distances served raw). */
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
