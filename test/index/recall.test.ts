import { describe, expect, it } from 'vitest';
import { groundTruth, measureRecall, recallAtK } from '../../src/index/recall.js';
import { VectorIndex } from '../../src/index/vector-index.js';
import { clustered, row } from './helpers.js';

const hits = (...pairs: [number, number][]) => pairs.map(([label, distance]) => ({ label, distance }));

describe('recallAtK', () => {
  const exact = hits([1, 0.1], [2, 0.2], [3, 0.3], [4, 0.4]);

  it('counts true neighbours among the first k', () => {
    expect(recallAtK(exact, exact)).toBe(1);
    expect(recallAtK(hits([1, 0.1], [9, 0.5], [3, 0.3], [8, 0.6]), exact)).toBe(0.5);
    expect(recallAtK(hits([9, 0.5]), exact, 2)).toBe(0);
    expect(recallAtK(hits([2, 0.2], [1, 0.1]), exact, 2)).toBe(1);
    expect(recallAtK([], [])).toBe(1);
  });

  it('accepts a different label at a tied distance', () => {
    expect(recallAtK(hits([1, 0.1], [2, 0.2], [3, 0.3], [7, 0.4]), exact)).toBe(1);
  });
});

describe('measureRecall', () => {
  it('is about 1 on a small clustered set with reasonable parameters', () => {
    const dim = 32;
    const { rows, labels } = clustered(2100, dim, 40, 21);
    const corpus = { rows: rows.subarray(0, 2000 * dim), labels: labels.slice(0, 2000), dim };
    const queries = rows.subarray(2000 * dim);
    const index = VectorIndex.create(dim, { M: 16, efConstruction: 100, ef: 64, capacity: 2000 });
    corpus.labels.forEach((label, i) => index.add(label, row(corpus.rows, dim, i)));

    const truth = groundTruth(corpus, queries, 10);
    expect(truth.neighbours).toHaveLength(100);
    const report = measureRecall(index, queries, truth.neighbours, 10);
    expect(report.queries).toBe(100);
    expect(report.recall).toBeGreaterThanOrEqual(0.98);
    expect(report.minRecall).toBeGreaterThanOrEqual(0.7);
    expect(report.queriesPerSecond).toBeGreaterThan(0);

    // A tiny beam on a graph with few links must do worse, or the measurement measures nothing.
    const weak = VectorIndex.create(dim, { M: 2, efConstruction: 2, ef: 1, capacity: 2000 });
    corpus.labels.forEach((label, i) => weak.add(label, row(corpus.rows, dim, i)));
    expect(measureRecall(weak, queries, truth.neighbours, 10).recall).toBeLessThan(report.recall);
  });
});
