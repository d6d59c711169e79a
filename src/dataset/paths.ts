import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves a dataset-relative path, or null when it is absolute or escapes the dataset root:
 * a labels file must not make the importer read arbitrary files.
 */
export function resolveInside(root: string, rel: string): string | null {
  if (!rel || isAbsolute(rel) || /^[a-zA-Z]:[\\/]/.test(rel)) return null;
  const abs = resolve(root, rel);
  const back = relative(root, abs);
  if (back === '' || back.startsWith('..' + sep) || back === '..' || isAbsolute(back)) return null;
  return abs;
}

/** Artist slug: lowercase ASCII, diacritics folded, runs of other characters → '-'. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif']);
