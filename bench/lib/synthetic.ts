/**
 * Seeded clustered vectors standing in for a large corpus of embeddings: clusters play artists,
 * members their paintings. Like a trained encoder's output they have a low intrinsic dimension
 * (a latent space mapped linearly into 2048-d, plus a little full-dimensional noise), lie on the
 * sphere of radius 5 (distances 0–10), and artists overlap: a painting's nearest neighbours are
 * often by other artists. Held-out queries are fresh draws from the same clusters, so they are
 * never in the index, like a new upload by a known artist.
 */
import { Rng } from '../../src/util/random.js';

export interface ClusteredSpec {
  clusters: number;
  perCluster: number;
  dim: number;
  /** Dimension of the latent space the clusters live in before the map into `dim`. */
  latentDim: number;
  /** Each cluster's spread around its centre (centres are standard normal in the latent space), drawn from this range. */
  clusterSpread: [number, number];
  /** Full-dimensional noise, relative to the mapped signal per coordinate. */
  noise: number;
  /** Every vector is scaled onto the sphere of this radius. */
  radius: number;
  seed: number;
}

/**
 * Clusters overlap like artists in the encoder's space: at 10,000 vectors about 60% of paintings
 * have their nearest neighbour in their own cluster and about half of a query's exact 10 nearest
 * are by other "artists", so the answer is not just "the query's own cluster". Better separated
 * clusters (smaller spread, or a larger latent dimension) make the search easier, until clusters
 * so far apart that hnswlib's neighbour pruning leaves some of them unreachable.
 */
export const ARTIST_LIKE: Omit<ClusteredSpec, 'clusters' | 'perCluster' | 'seed'> = {
  dim: 2048,
  latentDim: 32,
  clusterSpread: [1.0, 1.5],
  noise: 0.1,
  radius: 5,
};

export interface ClusteredVectors {
  spec: ClusteredSpec;
  /** clusters × perCluster rows, on a SharedArrayBuffer so the index builder thread reads them without a copy. */
  rows: Float32Array;
  /** Cluster of each row. */
  clusterOf: Int32Array;
  centres: Float64Array;
  spreads: Float64Array;
  /** latentDim × dim map into the full space. */
  map: Float64Array;
}

/** Standard normal draws, two per Box–Muller step. */
class Gaussian {
  private spare: number | null = null;
  constructor(private readonly rng: Rng) {}

  next(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.rng.next()));
    const t = 2 * Math.PI * this.rng.next();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

export function clusteredVectors(spec: ClusteredSpec): ClusteredVectors {
  const { clusters, perCluster, dim, latentDim } = spec;
  const rng = new Rng(spec.seed);
  const g = new Gaussian(rng);
  const map = Float64Array.from({ length: latentDim * dim }, () => g.next() / Math.sqrt(latentDim));
  const centres = Float64Array.from({ length: clusters * latentDim }, () => g.next());
  const spreads = Float64Array.from({ length: clusters }, () => rng.uniform(spec.clusterSpread[0], spec.clusterSpread[1]));
  const rows = new Float32Array(new SharedArrayBuffer(clusters * perCluster * dim * 4));
  const clusterOf = new Int32Array(clusters * perCluster);
  const data: ClusteredVectors = { spec, rows, clusterOf, centres, spreads, map };
  for (let c = 0; c < clusters; c++) {
    for (let m = 0; m < perCluster; m++) {
      const row = c * perCluster + m;
      clusterOf[row] = c;
      drawMember(data, c, rows, row * dim, g);
    }
  }
  return data;
}

/** `count` new members of uniformly chosen clusters, from a generator independent of the corpus's. */
export function heldOutQueries(data: ClusteredVectors, count: number, seed: number): { rows: Float32Array; clusterOf: Int32Array } {
  const rng = Rng.derive(seed, 0x51e7);
  const g = new Gaussian(rng);
  const rows = new Float32Array(count * data.spec.dim);
  const clusterOf = new Int32Array(count);
  for (let q = 0; q < count; q++) {
    clusterOf[q] = rng.int(data.spec.clusters);
    drawMember(data, clusterOf[q], rows, q * data.spec.dim, g);
  }
  return { rows, clusterOf };
}

function drawMember(data: ClusteredVectors, c: number, out: Float32Array, at: number, g: Gaussian): void {
  const { dim, latentDim, noise, radius } = data.spec;
  const z = new Float64Array(latentDim);
  for (let i = 0; i < latentDim; i++) z[i] = data.centres[c * latentDim + i] + data.spreads[c] * g.next();
  // Per coordinate the mapped signal has standard deviation ≈ |z| / sqrt(latentDim).
  const scale = Math.hypot(...z) / Math.sqrt(latentDim);
  const x = new Float64Array(dim);
  for (let i = 0; i < latentDim; i++) {
    const zi = z[i];
    const base = i * dim;
    for (let j = 0; j < dim; j++) x[j] += zi * data.map[base + j];
  }
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    x[j] += noise * scale * g.next();
    norm += x[j] * x[j];
  }
  const k = radius / Math.sqrt(norm);
  for (let j = 0; j < dim; j++) out[at + j] = x[j] * k;
}
