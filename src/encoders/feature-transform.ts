/**
 * How raw backbone features become the head's input: each block (pooled features, each layer's
 * style statistics) is L2-normalised on its own so no block dominates by scale, then the
 * training-set mean is subtracted (centring removes the direction all paintings share, which
 * otherwise dominates distances between frozen features). Saved with the model; fitted on the
 * training split only.
 *
 * Blocks a model computes itself (`trained`: the pooled block of a fine-tuned backbone) keep
 * their place in the count of blocks — every block is scaled by 1/√(blocks used) — but are left
 * out of the transformed row: the model normalises them alike and puts them first.
 */
export interface FeatureBlock {
  name: string;
  offset: number;
  dim: number;
}

export interface FeatureTransform {
  blocks: FeatureBlock[];
  /** Block names used as input, in order (a subset of the backbone's blocks). */
  use: string[];
  /** The mean of the transformed row (its frozen blocks), or null for no centring. */
  mean: number[] | null;
  /** Used blocks the model computes rather than reads from the row (they come first in `use`). */
  trained?: string[];
}

/** The blocks read from the row: `use` without the ones the model computes. */
export function frozenBlocks(t: Pick<FeatureTransform, 'use' | 'trained'>): string[] {
  const trained = new Set(t.trained ?? []);
  return t.use.filter((n) => !trained.has(n));
}

/** The scale of every block: 1/√(blocks used), so the concatenated row has unit norm. */
export function blockScale(t: Pick<FeatureTransform, 'use'>): number {
  return 1 / Math.sqrt(t.use.length);
}

export function transformedDim(t: FeatureTransform): number {
  return frozenBlocks(t).reduce((n, name) => n + blockByName(t.blocks, name).dim, 0);
}

export function blockByName(blocks: FeatureBlock[], name: string): FeatureBlock {
  const b = blocks.find((x) => x.name === name);
  if (!b) throw new RangeError(`feature block "${name}" is not produced by the backbone (${blocks.map((x) => x.name).join(', ')})`);
  return b;
}

/** Per-block L2 normalisation of rows, each block scaled by `scale`; `rawDim` is the backbone's full row width. */
export function normaliseBlocks(raw: Float32Array, rawDim: number, blocks: FeatureBlock[], use: string[], scale = 1 / Math.sqrt(use.length)): Float32Array {
  const rows = raw.length / rawDim;
  const chosen = use.map((n) => blockByName(blocks, n));
  const dim = chosen.reduce((n, b) => n + b.dim, 0);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let o = r * dim;
    for (const b of chosen) {
      const start = r * rawDim + b.offset;
      let sum = 0;
      for (let k = 0; k < b.dim; k++) sum += raw[start + k] ** 2;
      const f = scale / Math.sqrt(sum + 1e-12);
      for (let k = 0; k < b.dim; k++) out[o + k] = raw[start + k] * f;
      o += b.dim;
    }
  }
  return out;
}

export function columnMean(data: Float32Array, dim: number): number[] {
  const rows = data.length / dim;
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let k = 0; k < dim; k++) mean[k] += data[r * dim + k];
  return Array.from(mean, (v) => v / Math.max(rows, 1));
}

export function applyFeatureTransform(raw: Float32Array, rawDim: number, t: FeatureTransform): Float32Array {
  const out = normaliseBlocks(raw, rawDim, t.blocks, frozenBlocks(t), blockScale(t));
  if (t.mean) {
    const dim = t.mean.length;
    for (let i = 0; i < out.length; i++) out[i] -= t.mean[i % dim];
  }
  return out;
}

export function fitFeatureTransform(rawTrain: Float32Array, rawDim: number, blocks: FeatureBlock[], use: string[], centre: boolean, trained: string[] = []): FeatureTransform {
  const t: FeatureTransform = { blocks, use, mean: null, ...(trained.length ? { trained } : {}) };
  if (trained.some((n, i) => use[i] !== n)) throw new RangeError(`blocks the model computes (${trained.join(', ')}) must come first in the blocks used`);
  if (!centre) return t;
  const normalised = normaliseBlocks(rawTrain, rawDim, blocks, frozenBlocks(t), blockScale(t));
  const dim = normalised.length / Math.max(rawTrain.length / rawDim, 1);
  return { ...t, mean: columnMean(normalised, dim) };
}

/** Rows of one block, untouched (e.g. a cached activation a fine-tuned model reads). */
export function blockRows(raw: Float32Array, rawDim: number, block: FeatureBlock): Float32Array {
  const rows = raw.length / rawDim;
  const out = new Float32Array(rows * block.dim);
  for (let r = 0; r < rows; r++) out.set(raw.subarray(r * rawDim + block.offset, r * rawDim + block.offset + block.dim), r * block.dim);
  return out;
}
