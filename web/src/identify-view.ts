/**
 * "Nearest artists": an uploaded or dropped painting (or a corpus painting picked elsewhere) →
 * its nearest artists, each with the supporting paintings and their distances, and the nearest
 * paintings as a grid.
 */
import { postJson, uploadImage } from './api.js';
import type { NearestArtistsResult, OpenSetResult, PaintingSummary, SimilarPaintingsResult } from './api-types.js';
import { byId, h, replaceChildren, whileBusy } from './dom.js';
import { attachDropZone, previewFile } from './drop-zone.js';
import { showError } from './errors.js';
import { fixed, paintingLabel, percent } from './format.js';
import { problemWithFile } from './image-file.js';
import { paintingCard, type PaintingActions } from './painting-card.js';

type Query = { uploadId: string; label: string } | { paintingId: number; label: string };

export interface IdentifyView {
  /** Runs the query for a corpus painting (from Browse or a result card). */
  showPainting(p: PaintingSummary): void;
}

export function identifyView(actions: PaintingActions & { compareUpload(file: File, side: 'a' | 'b'): void }): IdentifyView {
  const form = byId('identify-form', HTMLFormElement);
  const input = byId('identify-file', HTMLInputElement);
  const count = byId('identify-k', HTMLInputElement);
  const preview = byId('identify-preview', HTMLImageElement);
  const error = byId('identify-error');
  const status = byId('identify-status');
  const results = byId('identify-results');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  let chosen: File | null = null;
  let last: Query | null = null;

  const choose = (file: File) => {
    chosen = file;
    previewFile(preview, file);
    void run();
  };
  attachDropZone(byId('identify-drop'), input, choose);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });

  async function run(query?: Query): Promise<void> {
    showError(error, null);
    if (!query) {
      if (!chosen) {
        if (last) return void search(last);
        showError(error, new Error('Choose a painting first: use the file button or drop an image on the box.'));
        input.focus();
        return;
      }
      const problem = problemWithFile(chosen);
      if (problem) {
        showError(error, new Error(problem));
        return;
      }
    }
    await whileBusy(results, submit, async () => {
      try {
        if (!query) {
          status.textContent = `Uploading ${chosen!.name}…`;
          const stored = await uploadImage(chosen!);
          query = { uploadId: stored.id, label: chosen!.name };
        }
        await search(query);
      } catch (e) {
        status.textContent = '';
        replaceChildren(results);
        showError(error, e, chosen ? `"${chosen.name}" could not be searched` : 'The search failed');
      }
    });
  }

  async function search(query: Query): Promise<void> {
    last = query;
    status.textContent = `Searching for the nearest artists of ${query.label}…`;
    const k = Math.min(20, Math.max(1, Number(count.value) || 5));
    const body = 'uploadId' in query ? { uploadId: query.uploadId } : { paintingId: query.paintingId };
    const [nearest, similar] = await Promise.all([
      postJson<NearestArtistsResult>(`/api/artists/nearest?k=${k}`, body),
      postJson<SimilarPaintingsResult>('/api/paintings/similar?k=12', body),
    ]);
    render(query, nearest, similar);
    status.textContent = `${nearest.artists.length} nearest artists and ${similar.paintings.length} nearest paintings of ${query.label} (model v${nearest.query.modelVersion}, ${fixed(nearest.query.tookMs, 0)} ms).`;
  }

  function render(query: Query, nearest: NearestArtistsResult, similar: SimilarPaintingsResult): void {
    const artists = h('ol', { class: 'artist-list', 'aria-label': 'Nearest artists, closest first' });
    for (const a of nearest.artists) {
      artists.append(
        h(
          'li',
          { class: 'artist-match' },
          h(
            'div',
            { class: 'artist-head' },
            h('h4', {}, a.artist),
            h('span', { class: 'artist-score' }, `distance ${fixed(a.distance)} · share ${percent(a.score)}`),
            h('meter', { min: 0, max: 1, value: a.score, 'aria-label': `Share of the neighbourhood for ${a.artist}` }),
          ),
          h('ul', { class: 'strip', 'aria-label': `Paintings by ${a.artist} among the nearest` }, ...a.paintings.map((p) => paintingCard(p, actions, 128))),
        ),
      );
    }
    const grid = h('ul', { class: 'grid', 'aria-label': 'Nearest paintings, closest first' }, ...similar.paintings.map((p) => paintingCard(p, actions)));
    const compare = 'uploadId' in query && chosen ? compareButtons(chosen) : null;
    replaceChildren(
      results,
      h('h3', {}, 'Nearest artists'),
      openSetNote(nearest.openSet),
      artists,
      h('h3', {}, 'Nearest paintings'),
      grid,
      compare,
    );
  }

  /** Whether the painter is likely among the indexed artists at all, as the model's calibrated rule says. */
  function openSetNote(o: OpenSetResult | null): HTMLElement | null {
    if (!o) return null;
    const p = percent(o.probabilityIndexed);
    const best = o.probabilityBestArtist !== null ? ` The first artist below is the painter with probability ${percent(o.probabilityBestArtist)}.` : '';
    const text =
      (o.verdict === 'indexed-artist'
        ? `Likely by one of the indexed artists (${p} probability that the painter is indexed).`
        : o.verdict === 'no-indexed-artist'
          ? `None of the indexed artists: probably by a painter outside the corpus (${percent(1 - o.probabilityIndexed)} probability). The artists below are only the least far.`
          : `Cannot tell whether the painter is among the indexed artists (${p} probability that they are); treat the artists below as candidates.`) + best;
    return h('p', { class: `open-set ${o.verdict}`, role: 'status', 'data-verdict': o.verdict }, text);
  }

  function compareButtons(file: File): HTMLElement {
    const div = h('div', { class: 'card-actions' });
    for (const side of ['a', 'b'] as const) {
      const b = h('button', { type: 'button' }, `Compare this upload as painting ${side.toUpperCase()}`);
      b.addEventListener('click', () => actions.compareUpload(file, side));
      div.append(b);
    }
    return div;
  }

  return {
    showPainting(p) {
      chosen = null;
      input.value = '';
      preview.hidden = false;
      preview.src = `${p.thumbnailUrl}?size=256`;
      preview.alt = paintingLabel(p);
      void run({ paintingId: p.id, label: paintingLabel(p) });
    },
  };
}
