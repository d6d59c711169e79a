/** Shapes shared by the HNSW index, exact search and recall measurement. */

/** HNSW graph parameters: `M` links per node, `efConstruction` build beam, `ef` query beam. */
export interface IndexParams {
  M: number;
  efConstruction: number;
  ef: number;
}

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
