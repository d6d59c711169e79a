/** Euclidean distance between rows i and j of a row-major matrix. */
export function rowDistance(data: Float32Array, dim: number, i: number, j: number): number {
  let sum = 0;
  const a = i * dim;
  const b = j * dim;
  for (let k = 0; k < dim; k++) {
    const diff = data[a + k] - data[b + k];
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/** Euclidean distance between two vectors. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) {
    const diff = a[k] - b[k];
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}
