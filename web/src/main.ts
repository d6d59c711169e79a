/** The page's entry: builds each section's view and connects them (a result card can feed another section). */
import { getJson } from './api.js';
import type { IndexStatus, PaintingSummary } from './api-types.js';
import { browseView } from './browse-view.js';
import { byId } from './dom.js';
import { count } from './format.js';
import { identifyView } from './identify-view.js';
import { modelView } from './model-view.js';
import { go, startRouter } from './router.js';
import { statusView } from './status-view.js';
import { verifyView } from './verify-view.js';

const header = byId('serving-summary');

function showServing(s: IndexStatus): void {
  header.textContent = s.serving
    ? `Model v${s.serving.modelVersion} · ${count(s.serving.elementCount)} paintings indexed${s.building ? ' · rebuilding' : ''}`
    : 'No index loaded yet';
}

const verify = verifyView();
const actions = {
  nearestArtists: (p: PaintingSummary) => {
    go('identify');
    identify.showPainting(p);
  },
  compare: (p: PaintingSummary, side: 'a' | 'b') => {
    verify.usePainting(p, side);
    go('verify');
  },
  compareUpload: (file: File, side: 'a' | 'b') => {
    verify.useFile(file, side);
    go('verify');
  },
};
const identify = identifyView(actions);
const model = modelView();
const browse = browseView(actions);
const status = statusView(showServing);

startRouter((section) => {
  if (section === 'model') model.show();
  if (section === 'browse') browse.show();
  if (section === 'status') status.show();
  else status.hide();
});

getJson<IndexStatus>('/api/index')
  .then(showServing)
  .catch(() => (header.textContent = 'The server could not be reached'));
document.documentElement.classList.add('js');
