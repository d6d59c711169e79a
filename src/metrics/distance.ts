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
