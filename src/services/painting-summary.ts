/** How a stored painting is shown in answers (the HTTP layer adds the URLs of its pixels). */
import type { PaintingSplit } from '../db/types.js';
import type { PaintingSummary } from '../search/types.js';

export interface PaintingRow {
  id: number;
  title: string | null;
  year: string | null;
  style: string | null;
  split: PaintingSplit;
  artistId: number;
  artistName: string;
  width: number;
  height: number;
}

export function toSummary(p: PaintingRow): PaintingSummary {
  return {
    id: p.id,
    title: p.title,
    year: p.year,
    style: p.style,
    split: p.split,
    artistId: p.artistId,
    artist: p.artistName,
    width: p.width,
    height: p.height,
  };
}
