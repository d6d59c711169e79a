import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildsToRetire } from '../../src/services/build-retention.js';

const b = (id: number, status: 'building' | 'complete' | 'failed' = 'complete') => ({ id, status });

describe('buildsToRetire', () => {
  it('keeps the newest N complete builds and deletes older complete ones', () => {
    expect(buildsToRetire([b(1), b(2), b(3), b(4), b(5)], { buildId: 5 }, 3)).toEqual([1, 2]);
    expect(buildsToRetire([b(1), b(2)], { buildId: 2 }, 3)).toEqual([]);
  });

  it('never deletes the active build, however old (a pinned rollback target)', () => {
    expect(buildsToRetire([b(1), b(2), b(3), b(4)], { buildId: 1 }, 2)).toEqual([2]);
    expect(buildsToRetire([b(1), b(2), b(3)], { buildId: 1 }, 1)).toEqual([2]);
  });

  it('deletes failed builds older than every kept one, keeps newer ones, and leaves builds in progress alone', () => {
    const builds = [b(1, 'failed'), b(2), b(3, 'failed'), b(4), b(5, 'failed'), b(6), b(7, 'building')];
    expect(buildsToRetire(builds, { buildId: 6 }, 2)).toEqual([1, 2, 3]);
  });

  it('keeps at least one complete build even when asked for fewer, and works before any alias exists', () => {
    expect(buildsToRetire([b(1), b(2)], { buildId: null }, 0)).toEqual([1]);
    expect(buildsToRetire([], { buildId: null }, 3)).toEqual([]);
  });
});

describe('vector store configuration', () => {
  it('defaults to hnswlib with the HNSW parameters of DEFAULT_INDEX_PARAMS, and reads the scale-out settings', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ vectorStore: 'hnswlib', indexParams: { M: 32, efConstruction: 200, ef: 100 }, keepBuilds: 3, indexPollMs: 5000, jobLeaseMs: 30_000 });
    const tuned = loadConfig({ DATABASE_URL: 'postgresql://x@y/z', PAINTER_VECTOR_STORE: 'pgvector', PAINTER_INDEX_EF: '64', PAINTER_INDEX_KEEP_BUILDS: '5', PAINTER_JOB_LEASE_SECONDS: '2.5' });
    expect(tuned).toMatchObject({ vectorStore: 'pgvector', indexParams: { M: 32, efConstruction: 200, ef: 64 }, keepBuilds: 5, jobLeaseMs: 2500 });
  });

  it('refuses pgvector without PostgreSQL with a clear error naming the variable', () => {
    expect(() => loadConfig({ PAINTER_VECTOR_STORE: 'pgvector' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', details: { variable: 'PAINTER_VECTOR_STORE' } }));
    expect(() => loadConfig({ PAINTER_VECTOR_STORE: 'pgvector' })).toThrow(/needs DATABASE_URL/);
  });
});
