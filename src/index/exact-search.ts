/**
 * Brute-force k nearest neighbours under Euclidean distance: the ground truth HNSW is measured
 * against, and a fallback for small sets. One pass over the rows keeping a bounded max-heap of
 * the best k in typed arrays, so nothing is allocated per row.
 */
import { checkK, checkRows, checkVector } from './checks.js';
import type { LabelFilter, SearchHit, VectorRows } from './types.js';

/** Same contract as `VectorIndex.search`: nearest first, true distances, k clipped, filter on labels. */
export function exactSearch(data: VectorRows, query: ArrayLike<number>, k: number, filter?: LabelFilter): SearchHit[] {
  checkRows(data);
  checkVector(query, data.dim, 'Query vector');
  const { rows, labels, dim } = data;
  const n = labels.length;
  const cap = Math.min(checkK(k), n);
  if (cap === 0) return [];

  // Max-heap on squared distance: the root is the worst of the best `size` so far.
  const heapDist = new Float64Array(cap);
  const heapRow = new Int32Array(cap);
  let size = 0;
  for (let r = 0; r < n; r++) {
    if (filter && !filter(labels[r])) continue;
    const bound = size === cap ? heapDist[0] : Infinity;
    let d = 0;
    const base = r * dim;
    // Give up on the row as soon as it cannot make the cut.
    for (let j = 0; j < dim && d < bound; j++) {
      const t = rows[base + j] - query[j];
      d += t * t;
    }
    if (d >= bound) continue;
    if (size < cap) {
      siftUp(heapDist, heapRow, size++, d, r);
    } else {
      siftDown(heapDist, heapRow, size, d, r);
    }
  }

  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapDist[a] - heapDist[b] || heapRow[a] - heapRow[b]);
  return order.map((i) => ({ label: labels[heapRow[i]], distance: Math.sqrt(heapDist[i]) }));
}

function siftUp(dist: Float64Array, row: Int32Array, at: number, d: number, r: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (dist[parent] >= d) break;
    dist[i] = dist[parent];
    row[i] = row[parent];
    i = parent;
  }
  dist[i] = d;
  row[i] = r;
}

/** Replaces the root with (d, r) and restores the heap. */
function siftDown(dist: Float64Array, row: Int32Array, size: number, d: number, r: number): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && dist[right] > dist[left] ? right : left;
    if (dist[child] <= d) break;
    dist[i] = dist[child];
    row[i] = row[child];
    i = child;
  }
  dist[i] = d;
  row[i] = r;
}
