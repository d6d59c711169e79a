import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectPairColumns, IndexSet, openPairsCsv, splitCsvLine } from '../../src/scoring/pairs-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'pairs-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(text: string) {
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  const reader = await openPairsCsv(path);
  const rows = [];
  for await (const batch of reader.batches()) rows.push(...batch);
  return { columns: reader.columns, rows };
}

describe('pairs CSV', () => {
  it("finds Kaggle's index,image1,image2, the img1,img2 of public solutions, and any two image columns", () => {
    expect(detectPairColumns(['index', 'image1', 'image2'], ['0', '1.jpg', '2.jpg'])).toMatchObject({ index: 0, a: 1, b: 2 });
    expect(detectPairColumns(['img1', 'img2'], ['1.jpg', '2.jpg'])).toMatchObject({ index: null, a: 0, b: 1 });
    expect(detectPairColumns(['id', 'left', 'right', 'note'], ['7', 'x/1.png', 'y/2.JPG', 'hm'])).toMatchObject({ index: 0, a: 1, b: 2, names: { index: 'id', a: 'left', b: 'right' } });
    expect(detectPairColumns(['p', 'q'], ['one', 'two'])).toMatchObject({ index: null, a: 0, b: 1 });
    expect(() => detectPairColumns(['index', 'left', 'right'], ['0', 'a', 'b'])).toThrow(/Cannot tell which columns/);
  });

  it('splits quoted fields and plain ones', () => {
    expect(splitCsvLine('0,a.jpg,b.jpg')).toEqual(['0', 'a.jpg', 'b.jpg']);
    expect(splitCsvLine('1,"with, comma.jpg","quote ""q"".jpg"')).toEqual(['1', 'with, comma.jpg', 'quote "q".jpg']);
  });

  it('streams rows with CRLF endings, a BOM, blank lines and no final newline; numbers rows without an index', async () => {
    const kaggle = await rowsOf('\uFEFFindex,image1,image2\r\n5,a.jpg,b.jpg\r\n\r\n6, c.jpg ,d.jpg');
    expect(kaggle.rows).toEqual([
      { line: 2, index: '5', a: 'a.jpg', b: 'b.jpg' },
      { line: 4, index: '6', a: 'c.jpg', b: 'd.jpg' },
    ]);
    const plain = await rowsOf('img1,img2\na.jpg,b.jpg\nc.jpg,d.jpg\n');
    expect(plain.rows.map((r) => r.index)).toEqual(['0', '1']);
  });

  it('names the line of a short row or an empty index', async () => {
    await expect(rowsOf('index,image1,image2\n0,a.jpg\n')).rejects.toThrow(/Line 2 .* has 2 fields/);
    await expect(rowsOf('index,image1,image2\n,a.jpg,b.jpg\n')).rejects.toThrow(/Line 2 .* empty index/);
  });

  it('remembers indices as bits when they are plain integers, as strings otherwise', () => {
    const s = new IndexSet();
    expect(s.add('0')).toBe(true);
    expect(s.add('21916046')).toBe(true);
    expect(s.add('21916046')).toBe(false);
    expect(s.add('007')).toBe(true);
    expect(s.add('7')).toBe(true);
    expect(s.add('007')).toBe(false);
    expect(s.add('pair-a')).toBe(true);
    expect(s.add('pair-a')).toBe(false);
  });
});
