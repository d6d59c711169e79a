import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../src/dataset/scan.js';
import { resolveInside, slugify } from '../../src/dataset/paths.js';
import { generatePaintingDataset, type FixtureLayout } from '../../src/demo/generate-paintings.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'painter-scan-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each<FixtureLayout>(['labels-csv', 'folder-per-artist', 'kaggle-train-info', 'kaggle-all-data-info'])('scanDataset on %s', (layout) => {
  it('keeps every good painting and skips each broken file with its reason', async () => {
    const fx = await generatePaintingDataset(tmp(), { artists: 4, perArtist: 3, layout, broken: true });
    const scan = await scanDataset(fx.root);
    expect(scan.layout).toBe(layout);
    expect(scan.paintings.map((p) => p.relPath).sort()).toEqual(fx.paintings.map((p) => p.relPath).sort());
    for (const p of scan.paintings) {
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(p.width).toBe(48);
    }
    expect(scan.skipped.map((s) => s.relPath).sort()).toEqual(fx.expectedSkips.map((s) => s.relPath).sort());
    for (const want of fx.expectedSkips) {
      const got = scan.skipped.find((s) => s.relPath === want.relPath)!;
      expect(got.reason, want.relPath).toMatch(want.reason);
    }
    if (layout !== 'folder-per-artist') {
      expect(new Set(scan.paintings.map((p) => p.style))).toEqual(new Set(['style-0', 'style-1', 'style-2']));
    }
    expect(scan.stats.artists).toBe(4);
  });
});

describe('scanDataset cleaning', () => {
  it('drops both copies when identical bytes carry two artists', async () => {
    const root = tmp();
    const fx = await generatePaintingDataset(root, { artists: 2, perArtist: 3, layout: 'labels-csv' });
    const lines = ['file,artist', ...fx.paintings.map((p) => `${p.relPath},${p.artist}`), `${fx.paintings[0].relPath.replace('.jpg', '')}.jpg,other`];
    // Same file listed under a new name for another artist: copy the bytes.
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(root, fx.paintings[0].relPath), join(root, 'copy.jpg'));
    lines[lines.length - 1] = 'copy.jpg,Someone Else';
    lines.push('copy2.jpg,Someone Else');
    copyFileSync(join(root, fx.paintings[1].relPath), join(root, 'copy2.jpg'));
    writeFileSync(join(root, 'labels.csv'), lines.join('\n'));
    const scan = await scanDataset(root);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.relPath, s.reason]));
    expect(reasons['copy.jpg']).toMatch(/different artists/);
    expect(reasons[fx.paintings[0].relPath]).toMatch(/different artists/);
    expect(scan.paintings.some((p) => p.relPath === fx.paintings[0].relPath)).toBe(false);
  });

  it('names the directory when no layout matches', async () => {
    const root = tmp();
    writeFileSync(join(root, 'readme.txt'), 'nothing here');
    await expect(scanDataset(root)).rejects.toMatchObject({ code: 'DATASET_LAYOUT_UNKNOWN' });
  });
});

describe('paths', () => {
  it('refuses paths that leave the dataset', () => {
    expect(resolveInside('/data/set', 'a/b.jpg')).toBe('/data/set/a/b.jpg');
    expect(resolveInside('/data/set', '../x.jpg')).toBeNull();
    expect(resolveInside('/data/set', 'a/../../x.jpg')).toBeNull();
    expect(resolveInside('/data/set', '/etc/passwd')).toBeNull();
  });
  it('slugs fold diacritics and punctuation', () => {
    expect(slugify('Claude Monet')).toBe('claude-monet');
    expect(slugify('  Élisabeth Vigée-Le Brun ')).toBe('elisabeth-vigee-le-brun');
  });
});
