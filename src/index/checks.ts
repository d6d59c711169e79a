/** Argument checks shared by the index modules; all failures are INVALID_ARGUMENT. */
import { PainterError } from '../errors.js';
import type { IndexParams, VectorRows } from './types.js';

/** hnswlib converts labels with Uint32Value, so anything outside uint32 would silently wrap. */
export const MAX_LABEL = 0xffffffff;
/** hnswlib caps M at 10000; far beyond that the graph only costs memory. */
const MAX_M = 2048;

export function invalid(message: string, details?: Record<string, unknown>): PainterError {
  return new PainterError('INVALID_ARGUMENT', message, details);
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

export function checkDim(dim: unknown): number {
  if (!isPositiveInt(dim)) throw invalid(`Vector dimension must be a positive integer, got ${String(dim)}`);
  return dim;
}

export function checkParams(params: IndexParams): IndexParams {
  const { M, efConstruction, ef } = params;
  if (!isPositiveInt(M) || M < 2 || M > MAX_M) throw invalid(`HNSW M must be an integer in [2, ${MAX_M}], got ${String(M)}`);
  if (!isPositiveInt(efConstruction)) throw invalid(`HNSW efConstruction must be a positive integer, got ${String(efConstruction)}`);
  checkEf(ef);
  return { M, efConstruction, ef };
}

export function checkEf(ef: unknown): number {
  if (!isPositiveInt(ef)) throw invalid(`HNSW ef must be a positive integer, got ${String(ef)}`);
  return ef;
}

export function checkLabel(label: unknown): number {
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
    throw invalid(`Index labels must be integers in [0, ${MAX_LABEL}], got ${String(label)}`);
  }
  return label;
}

export function checkK(k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw invalid(`k must be a non-negative integer, got ${String(k)}`);
  return k;
}

/** Length and finiteness: a NaN would poison every distance it takes part in. */
export function checkVector(vector: ArrayLike<number>, dim: number, what = 'Vector'): void {
  if (vector.length !== dim) throw invalid(`${what} has length ${vector.length}, expected ${dim}`);
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(vector[i])) throw invalid(`${what} has a non-finite value at position ${i}`);
  }
}

export function checkRows(data: VectorRows): void {
  checkDim(data.dim);
  if (data.rows.length !== data.labels.length * data.dim) {
    throw invalid(`${data.rows.length} values do not make ${data.labels.length} rows of dimension ${data.dim}`);
  }
}
