/**
 * Exact k nearest neighbours of query rows among corpus rows (Euclidean), by blocked matrix
 * products on the tfjs backend: ‖q − c‖² = ‖q‖² + ‖c‖² − 2 q·c, then top-k per query. A query
 * that is itself a corpus row names it in `exclude` so it is not its own neighbour.
 */
import * as tf from '@tensorflow/tfjs';
import type { NeighbourList } from './identify.js';

const QUERY_BLOCK = 256;

export async function exactNeighbours(
  corpus: Float32Array,
  dim: number,
  queries: Float32Array,
  k: number,
  exclude?: ArrayLike<number>,
): Promise<NeighbourList[]> {
  const n = corpus.length / dim;
  const m = queries.length / dim;
  const kk = Math.min(k + (exclude ? 1 : 0), n);
  const c = tf.tensor2d(corpus, [n, dim]);
  const cNorm = tf.tidy(() => tf.sum(tf.square(c), 1));
  const out: NeighbourList[] = [];
  try {
    for (let start = 0; start < m; start += QUERY_BLOCK) {
      const rows = Math.min(QUERY_BLOCK, m - start);
      const { values, indices } = tf.tidy(() => {
        const q = tf.tensor2d(queries.subarray(start * dim, (start + rows) * dim), [rows, dim]);
        const d2 = tf.add(tf.add(tf.sum(tf.square(q), 1, true), cNorm), tf.mul(tf.matMul(q, c, false, true), -2));
        return tf.topk(tf.neg(d2), kk, true);
      });
      const v = (await values.data()) as Float32Array;
      const ix = (await indices.data()) as Int32Array;
      tf.dispose([values, indices]);
      for (let r = 0; r < rows; r++) {
        const self = exclude ? exclude[start + r] : -1;
        const idx: number[] = [];
        const dist: number[] = [];
        for (let j = 0; j < kk && idx.length < k; j++) {
          const at = ix[r * kk + j];
          if (at === self) continue;
          idx.push(at);
          dist.push(Math.sqrt(Math.max(0, -v[r * kk + j])));
        }
        out.push({ indices: idx, distances: dist });
      }
    }
  } finally {
    tf.dispose([c, cNorm]);
  }
  return out;
}
