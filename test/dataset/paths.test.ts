import { describe, expect, it } from 'vitest';
import { resolveInside } from '../../src/dataset/paths.js';

describe('resolveInside', () => {
  it('keeps labels inside the dataset directory', () => {
    expect(resolveInside('/data/set', 'a/b.jpg')).toBe('/data/set/a/b.jpg');
    expect(resolveInside('/data/set', './a/../b.jpg')).toBe('/data/set/b.jpg');
  });
  it('rejects labels naming ../, absolute paths or drive letters', () => {
    for (const rel of ['../x.jpg', 'a/../../x.jpg', '/etc/passwd', 'C:\\x.jpg', 'c:/x.jpg', '', '.', 'a/..']) {
      expect({ rel, resolved: resolveInside('/data/set', rel) }).toEqual({ rel, resolved: null });
    }
  });
});
