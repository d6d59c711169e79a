/** How numbers and dates read on the page. */

export const fixed = (n: number, digits = 2): string => n.toFixed(digits);

export const percent = (p: number, digits = 0): string => `${(100 * p).toFixed(digits)}%`;

export const count = (n: number): string => n.toLocaleString('en');

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** How an unlabelled painting's artist reads. */
export const UNKNOWN_ARTIST = 'unknown artist';

export function artistName(artist: string | null): string {
  return artist ?? UNKNOWN_ARTIST;
}

export function paintingLabel(p: { title: string | null; year?: string | null; artist: string | null }): string {
  const title = p.title ?? 'Untitled';
  return `${title}${p.year ? ` (${p.year})` : ''} by ${artistName(p.artist)}`;
}
