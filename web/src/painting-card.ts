/** A painting as a card: thumbnail, title, artist, optional distance, and buttons to act on it. */
import type { PaintingSummary } from './api-types.js';
import { h } from './dom.js';
import { artistName, fixed, paintingLabel } from './format.js';

export interface PaintingActions {
  /** Show the nearest artists of this painting. */
  nearestArtists?(p: PaintingSummary): void;
  /** Put this painting on side A or B of the "same painter?" form. */
  compare?(p: PaintingSummary, side: 'a' | 'b'): void;
}

export function thumbnail(p: Pick<PaintingSummary, 'id' | 'title' | 'artist' | 'thumbnailUrl'>, size: 128 | 256 = 256): HTMLImageElement {
  return h('img', {
    src: `${p.thumbnailUrl}?size=${size}`,
    alt: paintingLabel(p),
    decoding: 'async',
    width: size,
    height: size,
  });
}

export function paintingCard(p: PaintingSummary & { distance?: number }, actions: PaintingActions = {}, size: 128 | 256 = 256): HTMLElement {
  const label = paintingLabel(p);
  const buttons = h('div', { class: 'card-actions' });
  if (actions.nearestArtists) {
    const b = h('button', { type: 'button', 'aria-label': `Nearest artists of ${label}` }, 'Nearest artists');
    b.addEventListener('click', () => actions.nearestArtists?.(p));
    buttons.append(b);
  }
  if (actions.compare) {
    for (const side of ['a', 'b'] as const) {
      const b = h('button', { type: 'button', 'aria-label': `Compare ${label} as painting ${side.toUpperCase()}` }, `As ${side.toUpperCase()}`);
      b.addEventListener('click', () => actions.compare?.(p, side));
      buttons.append(b);
    }
  }
  return h(
    'li',
    { class: 'card', 'data-painting-id': p.id },
    h(
      'figure',
      {},
      thumbnail(p, size),
      h(
        'figcaption',
        {},
        h('span', { class: 'card-title' }, p.title ?? 'Untitled'),
        h('span', { class: 'card-artist' }, artistName(p.artist)),
        p.distance !== undefined ? h('span', { class: 'card-distance' }, `distance ${fixed(p.distance)}`) : null,
      ),
    ),
    buttons.childElementCount ? buttons : null,
  );
}
