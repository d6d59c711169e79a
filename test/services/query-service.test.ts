/**
 * QueryService on fakes: an in-memory index (exact search), repositories answering fixed rows,
 * an encoder that maps bytes and files to known vectors, an upload store. No database, no model.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CatalogPainting, Evaluation, ModelVersion } from '../../src/db/types.js';
import type { Encoder } from '../../src/encoders/encoder.js';
import { isPainterError } from '../../src/errors.js';
import type { EncoderProvider } from '../../src/services/encoder-provider.js';
import { CalibrationService } from '../../src/services/calibration-service.js';
import { LiveIndex } from '../../src/services/live-index.js';
import { QueryService } from '../../src/services/query-service.js';
import type { UploadStore } from '../../src/services/upload-store.js';
import type { BuildVectors, VectorFilter } from '../../src/vector-store/types.js';

/** Paintings on a line: artist 1 near 0, artist 2 near 10, artist 3 near 20 (1-d vectors). */
const PAINTINGS: { id: number; artistId: number; x: number; split: 'train' | 'test'; style: string }[] = [
  { id: 1, artistId: 1, x: 0, split: 'train', style: 'Baroque' },
  { id: 2, artistId: 1, x: 1, split: 'test', style: 'Baroque' },
  { id: 3, artistId: 1, x: 2, split: 'train', style: 'Rococo' },
  { id: 4, artistId: 2, x: 10, split: 'train', style: 'Cubism' },
  { id: 5, artistId: 2, x: 11, split: 'test', style: 'Cubism' },
  { id: 6, artistId: 3, x: 20, split: 'train', style: 'Baroque' },
];
const NOT_INDEXED = { id: 9, artistId: 2, x: 12, split: 'test' as const, style: 'Cubism' };

function row(p: { id: number; artistId: number; split: 'train' | 'test'; style: string }): CatalogPainting {
  return {
    id: p.id,
    datasetId: 1,
    artistId: p.artistId,
    relPath: `p${p.id}.png`,
    sha256: `sha${p.id}`,
    title: `Painting ${p.id}`,
    year: null,
    style: p.style,
    width: 64,
    height: 48,
    split: p.split,
    createdAt: new Date(0),
    source: 'import',
    storedPath: null,
    artistSlug: `artist-${p.artistId}`,
    artistName: `Artist ${p.artistId}`,
    filePath: `/corpus/p${p.id}.png`,
  };
}

/** The store contract over a map, exact search, filters evaluated as the real stores do. */
function fakeIndex(): BuildVectors {
  const vectors = new Map(PAINTINGS.map((p) => [p.id, { vector: Float32Array.of(p.x), artistId: p.artistId, split: p.split, style: p.style.toLowerCase() }]));
  const passes = (id: number, e: { artistId: number; split: string; style: string }, f: VectorFilter = {}) =>
    id !== f.excludeId && (!f.splits || f.splits.includes(e.split as never)) && (!f.style || f.style.toLowerCase() === e.style) && e.artistId !== f.excludeArtistId;
  return {
    buildId: 7,
    store: 'hnswlib',
    dim: 1,
    size: vectors.size,
    search: async (q: Float32Array, k: number, filter?: VectorFilter) =>
      [...vectors]
        .filter(([id, e]) => passes(id, e, filter))
        .map(([label, e]) => ({ label, artistId: e.artistId, radius: null, distance: Math.abs(e.vector[0] - q[0]) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, k),
    get: async (id: number) => {
      const e = vectors.get(id);
      return e ? { vector: e.vector, artistId: e.artistId, radius: null } : null;
    },
  } as unknown as BuildVectors;
}

const MODEL = { id: 1, version: 3, preset: 'small', status: 'complete', dir: '/models/v3', embeddingDim: 1, checksum: null, datasetId: 1, calibrationEvaluationId: null } as unknown as ModelVersion;

function setup(options: { evaluation?: Partial<Evaluation> | null; serving?: boolean } = {}) {
  const live = new LiveIndex();
  if (options.serving ?? true) {
    live.swap({
      buildId: 7,
      modelVersion: 3,
      store: 'hnswlib',
      index: fakeIndex(),
      params: { M: 16, efConstruction: 100, ef: 50 },
      buildSeconds: 1,
      createdAt: new Date(0),
      norms: null,
    });
  }
  const rows = new Map([...PAINTINGS, NOT_INDEXED].map((p) => [p.id, row(p)]));
  const catalog = {
    getPaintings: vi.fn(async (ids: readonly number[]) => new Map(ids.filter((id) => rows.has(id)).map((id) => [id, rows.get(id)!]))),
    getPainting: vi.fn(async (id: number) => rows.get(id)!),
  };
  const evaluation = options.evaluation === undefined ? { id: 11, bestThreshold: 3, split: 'test', datasetId: 1, datasetPath: null, createdAt: new Date(0), result: { calibration: { intercept: 6, slope: -2 } } } : options.evaluation;
  const evaluations = { latestTestSplit: vi.fn(async () => evaluation as Evaluation | null), findById: vi.fn(async () => null) };
  const models = { get: vi.fn(async (v: number) => (v === 3 ? MODEL : null)) };
  /** Bytes and files embed to the number they spell, e.g. "10.5" → [10.5]; /corpus/p9.png → painting 9's x. */
  const encoder: Encoder = {
    name: 'fake',
    dim: 1,
    embedBytes: vi.fn(async (bytes: Buffer) => Float32Array.of(Number(bytes.toString()))),
    embedFiles: vi.fn(async (paths: string[]) => Float32Array.from(paths.map((p) => (p === '/corpus/p9.png' ? NOT_INDEXED.x : Number(p.split('/').pop()))))),
    dispose: () => undefined,
  };
  const encoders = { query: vi.fn(async () => encoder) } as unknown as EncoderProvider;
  const uploads = { path: vi.fn(async (id: string) => `/uploads/${id === 'u1' ? '0.5' : '0'}`) } as unknown as UploadStore;
  const calibrations = new CalibrationService({ evaluations, models } as never);
  const service = new QueryService({ catalog, evaluations, models } as never, live, encoders, uploads, calibrations);
  return { service, catalog, evaluations, models, encoder, uploads };
}

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (isPainterError(e) ? e.code : String(e)),
  );

describe('QueryService.nearestArtists', () => {
  it('ranks artists by their nearest paintings, never counting the query painting, and shows them without URLs', async () => {
    const { service } = setup();
    const r = await service.nearestArtists({ kind: 'painting', paintingId: 1 }, { k: 2 });
    expect(r.artists.map((a) => a.artistId)).toEqual([1, 2]);
    expect(r.artists[0].paintings.map((p) => p.id)).toEqual([2, 3]);
    expect(r.artists[0].paintings[0]).toEqual({ id: 2, title: 'Painting 2', year: null, style: 'Baroque', split: 'test', artistId: 1, artist: 'Artist 1', width: 64, height: 48, distance: 1 });
    expect(r.artists[0].score).toBeGreaterThan(r.artists[1].score);
    expect(r.query).toMatchObject({ paintingId: 1, modelVersion: 3, indexId: 7 });
  });

  it('applies the split, style and own-artist filters', async () => {
    const { service } = setup();
    const test = await service.nearestArtists({ kind: 'painting', paintingId: 1 }, { filters: { splits: ['test'] } });
    expect(test.artists.flatMap((a) => a.paintings.map((p) => p.id)).sort()).toEqual([2, 5]);
    const baroque = await service.nearestArtists({ kind: 'painting', paintingId: 1 }, { filters: { style: 'BAROQUE' } });
    expect(baroque.artists.map((a) => a.artistId)).toEqual([1, 3]);
    const others = await service.nearestArtists({ kind: 'painting', paintingId: 1 }, { filters: { excludeOwnArtist: true } });
    expect(others.artists.map((a) => a.artistId)).toEqual([2, 3]);
  });

  it('embeds an upload once, in memory, and reports no painting', async () => {
    const { service, encoder } = setup();
    const r = await service.nearestArtists({ kind: 'upload', bytes: Buffer.from('10.4'), filename: 'q.png' }, { k: 1 });
    expect(r.artists.map((a) => a.artistId)).toEqual([2]);
    expect(r.query.paintingId).toBeNull();
    expect(encoder.embedBytes).toHaveBeenCalledTimes(1);
    expect(encoder.embedFiles).not.toHaveBeenCalled();
  });

  it('reads a stored upload from the upload store', async () => {
    const { service, uploads } = setup();
    const r = await service.nearestArtists({ kind: 'stored-upload', uploadId: 'u1' }, { k: 1 });
    expect(uploads.path).toHaveBeenCalledWith('u1');
    expect(r.artists[0].artistId).toBe(1);
  });

  it('embeds a corpus painting that is not in the index from its file', async () => {
    const { service, catalog, encoder } = setup();
    const r = await service.nearestArtists({ kind: 'painting', paintingId: 9 }, { k: 1 });
    expect(catalog.getPainting).toHaveBeenCalledWith(9);
    expect(encoder.embedFiles).toHaveBeenCalledWith(['/corpus/p9.png']);
    expect(r.artists[0].artistId).toBe(2);
  });

  it('refuses while no index is loaded, and when the serving model is gone', async () => {
    expect(await codeOf(setup({ serving: false }).service.nearestArtists({ kind: 'painting', paintingId: 1 }))).toBe('INDEX_NOT_READY');
    const s = setup();
    s.models.get.mockResolvedValue(null);
    expect(await codeOf(s.service.nearestArtists({ kind: 'upload', bytes: Buffer.from('1') }))).toBe('MODEL_NOT_FOUND');
  });
});

describe('QueryService.similarPaintings', () => {
  it('answers the k nearest paintings, closest first', async () => {
    const { service } = setup();
    const r = await service.similarPaintings({ kind: 'painting', paintingId: 4 }, { k: 3 });
    expect(r.paintings.map((p) => [p.id, p.distance])).toEqual([
      [5, 1],
      [3, 8],
      [2, 9],
    ]);
  });
});

describe('QueryService.verify', () => {
  it('decides with the evaluation threshold and its calibration, read once per model', async () => {
    const { service, evaluations } = setup();
    const near = await service.verify({ kind: 'painting', paintingId: 1 }, { kind: 'painting', paintingId: 3 });
    expect(near).toMatchObject({ sameArtist: true, distance: 2, threshold: 3, calibration: { source: 'evaluation', evaluationId: 11 }, modelVersion: 3 });
    expect(near.probabilitySameArtist).toBeGreaterThan(0.5);
    expect(near.confidence).toBe(near.probabilitySameArtist);
    const far = await service.verify({ kind: 'painting', paintingId: 1 }, { kind: 'painting', paintingId: 6 });
    expect(far).toMatchObject({ sameArtist: false, distance: 20 });
    expect(far.confidence).toBeCloseTo(1 - far.probabilitySameArtist, 12);
    expect(evaluations.latestTestSplit).toHaveBeenCalledTimes(1);
  });

  it('decides where the calibrated probability crosses 1/2, so the verdict and its probability agree', async () => {
    // Best accuracy at 3, but the fitted P(same | d) = σ(8 − 2d) is 1/2 at d = 4.
    const { service } = setup({ evaluation: { id: 12, bestThreshold: 3, split: 'test', datasetId: 1, datasetPath: null, createdAt: new Date(0), result: { calibration: { intercept: 8, slope: -2 } } } });
    const r = await service.verify({ kind: 'painting', paintingId: 1 }, { kind: 'upload', bytes: Buffer.from('3.5') });
    expect(r).toMatchObject({ sameArtist: true, distance: 3.5, threshold: 4 });
    expect(r.probabilitySameArtist).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(r.confidence).toBe(r.probabilitySameArtist);
    const beyond = await service.verify({ kind: 'painting', paintingId: 1 }, { kind: 'upload', bytes: Buffer.from('4.5') });
    expect(beyond.sameArtist).toBe(false);
    expect(beyond.probabilitySameArtist).toBeLessThan(0.5);
  });

  it('falls back to the default threshold without a stored evaluation', async () => {
    const { service } = setup({ evaluation: null });
    const r = await service.verify({ kind: 'painting', paintingId: 1 }, { kind: 'upload', bytes: Buffer.from('4') });
    expect(r).toMatchObject({ sameArtist: true, distance: 4, threshold: 5, calibration: { source: 'default', evaluationId: null } });
  });
});
