/** Shapes shared by the HNSW index, exact search and recall measurement. */

/** HNSW graph parameters: `M` links per node, `efConstruction` build beam, `ef` query beam. */
export interface IndexParams {
  M: number;
  efConstruction: number;
  ef: number;
}

/**
 * M 32: at M 16 hnswlib's pruning left ~1% of tightly clustered 2048-d vectors unreachable
 * (bench/hnsw-params.ts). ef 100: recall@10 ≥ 0.99 up to 100,000 overlapping artist-like vectors
 * (0.991, `npm run bench -- --only hnsw`; ef 50 gave 0.950 there) at ~58× exact search's
 * queries/s; on the 10k WikiArt embeddings ef 50 and ef 100 both give 1.000 (bench/nearest-artists.ts).
 * The same values serve pgvector (m, ef_construction, hnsw.ef_search).
 */
export const DEFAULT_INDEX_PARAMS: IndexParams = { M: 32, efConstruction: 200, ef: 100 };

/** One neighbour: `distance` is the true Euclidean distance (not squared). */
export interface SearchHit {
  label: number;
  distance: number;
}

/** Keeps a label in the results when it returns true. Must not throw for long: it runs inside the search. */
export type LabelFilter = (label: number) => boolean;

/** Vectors as rows of one Float32Array (rows × dim), with the label of each row. */
export interface VectorRows {
  rows: Float32Array;
  labels: ArrayLike<number>;
  dim: number;
}
