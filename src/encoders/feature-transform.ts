/**
 * How raw backbone features become the head's input: each block (pooled features, each layer's
 * style statistics) is L2-normalised on its own so no block dominates by scale, then the
 * training-set mean is subtracted (centring removes the direction all paintings share, which
 * otherwise dominates distances between frozen features). Saved with the model; fitted on the
 * training split only.
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
  mean: number[] | null;
}

export function transformedDim(t: FeatureTransform): number {
  return t.use.reduce((n, name) => n + blockByName(t.blocks, name).dim, 0);
}

function blockByName(blocks: FeatureBlock[], name: string): FeatureBlock {
  const b = blocks.find((x) => x.name === name);
  if (!b) throw new RangeError(`feature block "${name}" is not produced by the backbone (${blocks.map((x) => x.name).join(', ')})`);
  return b;
}

/** Per-block L2 normalisation of rows; `rawDim` is the backbone's full row width. */
export function normaliseBlocks(raw: Float32Array, rawDim: number, blocks: FeatureBlock[], use: string[]): Float32Array {
  const rows = raw.length / rawDim;
  const chosen = use.map((n) => blockByName(blocks, n));
  const dim = chosen.reduce((n, b) => n + b.dim, 0);
  const out = new Float32Array(rows * dim);
  const scale = 1 / Math.sqrt(chosen.length); // keeps the concatenated row at unit norm
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
  const out = normaliseBlocks(raw, rawDim, t.blocks, t.use);
  if (t.mean) {
    const dim = t.mean.length;
    for (let i = 0; i < out.length; i++) out[i] -= t.mean[i % dim];
  }
  return out;
}

export function fitFeatureTransform(rawTrain: Float32Array, rawDim: number, blocks: FeatureBlock[], use: string[], centre: boolean): FeatureTransform {
  const normalised = normaliseBlocks(rawTrain, rawDim, blocks, use);
  const dim = normalised.length / (rawTrain.length / rawDim);
  return { blocks, use, mean: centre ? columnMean(normalised, dim) : null };
}
