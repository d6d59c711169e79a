/** "Browse": artists (searchable, by split) and their paintings, page by page. */
import { getJson } from './api.js';
import type { ArtistSummary, Page, PaintingSummary } from './api-types.js';
import { byId, h, replaceChildren, whileBusy } from './dom.js';
import { showError } from './errors.js';
import { count } from './format.js';
import { paintingCard, type PaintingActions } from './painting-card.js';

const ARTISTS_PAGE = 50;
const PAINTINGS_PAGE = 24;

export interface BrowseView {
  show(): void;
}

export function browseView(actions: PaintingActions): BrowseView {
  const form = byId('artist-search-form', HTMLFormElement);
  const search = byId('artist-search', HTMLInputElement);
  const split = byId('artist-split', HTMLSelectElement);
  const artistList = byId('artist-list');
  const moreArtists = byId('more-artists', HTMLButtonElement);
  const heading = byId('paintings-heading');
  const grid = byId('painting-grid');
  const morePaintings = byId('more-paintings', HTMLButtonElement);
  const error = byId('browse-error');
  let artistCursor: string | null = null;
  let paintingCursor: string | null = null;
  let artistId: number | null = null;
  let loaded = false;

  const artistsQuery = () => {
    const q = new URLSearchParams({ limit: String(ARTISTS_PAGE) });
    if (search.value.trim()) q.set('search', search.value.trim());
    if (split.value) q.set('split', split.value);
    if (artistCursor) q.set('after', artistCursor);
    return q;
  };

  async function loadArtists(reset: boolean): Promise<void> {
    if (reset) {
      artistCursor = null;
      replaceChildren(artistList);
    }
    showError(error, null);
    await whileBusy(artistList, moreArtists, async () => {
      try {
        const page = await getJson<Page<ArtistSummary>>(`/api/artists?${artistsQuery()}`);
        for (const a of page.items) artistList.append(artistItem(a));
        if (reset && page.items.length === 0) artistList.append(h('li', {}, 'No artist matches.'));
        artistCursor = page.nextCursor;
      } catch (e) {
        showError(error, e, 'The artists could not be loaded');
      }
    });
    moreArtists.hidden = !artistCursor;
  }

  function artistItem(a: ArtistSummary): HTMLElement {
    const b = h('button', { type: 'button', class: 'link-button', 'aria-pressed': a.id === artistId ? 'true' : 'false' }, a.name);
    b.addEventListener('click', () => {
      artistId = a.id;
      for (const other of artistList.querySelectorAll('button[aria-pressed]')) other.setAttribute('aria-pressed', String(other === b));
      heading.textContent = `Paintings by ${a.name}`;
      void loadPaintings(true);
    });
    return h('li', {}, b, h('span', { class: 'muted' }, ` ${count(a.paintingCount)} paintings · ${a.split}`));
  }

  async function loadPaintings(reset: boolean): Promise<void> {
    if (reset) {
      paintingCursor = null;
      replaceChildren(grid);
    }
    showError(error, null);
    const q = new URLSearchParams({ limit: String(PAINTINGS_PAGE) });
    if (artistId !== null) q.set('artistId', String(artistId));
    if (paintingCursor) q.set('after', paintingCursor);
    await whileBusy(grid, morePaintings, async () => {
      try {
        const page = await getJson<Page<PaintingSummary>>(`/api/paintings?${q}`);
        for (const p of page.items) grid.append(paintingCard(p, actions));
        paintingCursor = page.nextCursor;
      } catch (e) {
        showError(error, e, 'The paintings could not be loaded');
      }
    });
    morePaintings.hidden = !paintingCursor;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void loadArtists(true);
  });
  split.addEventListener('change', () => void loadArtists(true));
  moreArtists.addEventListener('click', () => void loadArtists(false));
  morePaintings.addEventListener('click', () => void loadPaintings(false));

  return {
    show() {
      if (loaded) return;
      loaded = true;
      void loadArtists(true);
      void loadPaintings(true);
    },
  };
}
