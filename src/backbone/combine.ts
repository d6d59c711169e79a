/**
 * Rows of a combined spec: each backbone's rows (computed and cached under its own backbone id)
 * laid side by side in the spec's order, as combinedLayout names their blocks.
 */

export interface PartRows {
  dim: number;
  /** count × dim, row-major. */
  rows: Float32Array;
}

/** count rows of Σ dim: part 0's row, then part 1's, … */
export function concatRows(parts: PartRows[], count: number): Float32Array {
  const dim = parts.reduce((n, p) => n + p.dim, 0);
  const out = new Float32Array(count * dim);
  let offset = 0;
  for (const p of parts) {
    if (p.rows.length !== count * p.dim) throw new RangeError(`a part holds ${p.rows.length / p.dim} rows, expected ${count}`);
    for (let r = 0; r < count; r++) out.set(p.rows.subarray(r * p.dim, (r + 1) * p.dim), r * dim + offset);
    offset += p.dim;
  }
  return out;
}
