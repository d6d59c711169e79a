/**
 * "Model": a model version's ROC curve with its AUC and chosen threshold, its training curves,
 * and the map of the serving index's paintings coloured by artist.
 */
import { getJson } from './api.js';
import type { EmbeddingMap, ModelSummary, RocEvaluation } from './api-types.js';
import { drawMap, drawRoc, drawTraining } from './charts.js';
import { byId, h, replaceChildren, whileBusy } from './dom.js';
import { messageOf } from './errors.js';
import { count, dateTime, fixed, percent } from './format.js';

export interface ModelView {
  /** Loads what is not loaded yet; called whenever the section is shown. */
  show(): void;
}

export function modelView(): ModelView {
  const select = byId('model-select', HTMLSelectElement);
  const summary = byId('model-summary');
  const rocCanvas = byId('roc-chart', HTMLCanvasElement);
  const rocNote = byId('roc-note');
  const trainingCanvas = byId('training-chart', HTMLCanvasElement);
  const trainingNote = byId('training-note');
  const mapCanvas = byId('map-chart', HTMLCanvasElement);
  const mapNote = byId('map-note');
  const mapTip = byId('map-tip');
  const section = byId('model');
  let models: ModelSummary[] | null = null;
  let mapIndexId: number | null = null;
  let mapLoading = false;

  select.addEventListener('change', () => void showModel(Number(select.value)));

  async function loadModels(): Promise<void> {
    try {
      models = await getJson<ModelSummary[]>('/api/models');
    } catch (e) {
      replaceChildren(summary, h('p', { class: 'error', role: 'alert' }, messageOf(e, 'The models could not be loaded')));
      return;
    }
    if (models.length === 0) {
      replaceChildren(summary, h('p', {}, 'No model has been trained yet.'));
      return;
    }
    const newestComplete = models.filter((m) => m.status === 'complete').at(-1) ?? models[models.length - 1];
    replaceChildren(select, ...models.map((m) => h('option', { value: m.version }, `v${m.version} — ${m.preset}, ${m.status}${m.artists === 'all' ? ', all artists' : ''}`)));
    select.value = String(newestComplete.version);
    await showModel(newestComplete.version);
  }

  async function showModel(version: number): Promise<void> {
    const model = models?.find((m) => m.version === version);
    if (!model) return;
    replaceChildren(
      summary,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Encoder preset'),
        h('dd', {}, model.preset),
        h('dt', {}, 'Status'),
        h('dd', {}, model.status),
        h('dt', {}, 'Trained on'),
        h('dd', {}, trainedOn(model)),
        h('dt', {}, 'Embedding size'),
        h('dd', {}, String(model.embeddingDim)),
        h('dt', {}, 'Trained'),
        h('dd', {}, dateTime(model.completedAt ?? model.createdAt)),
      ),
    );
    if (model.epochs.length) {
      trainingCanvas.hidden = false;
      trainingNote.textContent = `${model.epochs.length} epochs; loss on the left axis, validation triplet accuracy and AUC on the right.`;
      drawTraining(trainingCanvas, model.epochs);
    } else {
      trainingCanvas.hidden = true;
      trainingNote.textContent = 'No training epochs were recorded for this model.';
    }
    await whileBusy(rocNote, null, async () => {
      try {
        const roc = await getJson<RocEvaluation>(`/api/models/${version}/roc`);
        rocCanvas.hidden = false;
        const twin = roc.modelVersion !== null && roc.modelVersion !== version ? ` of v${roc.modelVersion} (this configuration trained without the test split's artists)` : '';
        rocNote.textContent =
          `AUC ${fixed(roc.auc, 3)} over ${count(roc.pairs)} pairs of the ${roc.split ?? 'evaluated'} split${twin}` +
          `${roc.aucSameStyle !== null ? ` (same-style AUC ${fixed(roc.aucSameStyle, 3)})` : ''}; ` +
          `threshold ${fixed(roc.bestThreshold)} (best accuracy ${percent(roc.bestAccuracy, 1)}), equal-error threshold ${fixed(roc.eerThreshold)}; ` +
          `triplet accuracy ${percent(roc.tripletAccuracy, 1)}.`;
        drawRoc(rocCanvas, roc.roc, roc.auc, roc.bestThreshold);
      } catch (e) {
        rocCanvas.hidden = true;
        rocNote.textContent = messageOf(e, `Model v${version} has no ROC curve to show`);
      }
    });
  }

  async function loadMap(): Promise<void> {
    if (mapLoading) return;
    mapLoading = true;
    mapNote.textContent = 'Laying out the corpus (UMAP)…';
    await whileBusy(mapNote, null, async () => {
      try {
        const map = await getJson<EmbeddingMap>('/api/index/map');
        mapIndexId = map.indexId;
        const artists = new Set(map.points.map((p) => p.artistId)).size;
        const sampled = map.points.length < map.total ? ` (a sample of ${count(map.total)})` : '';
        const description = `Map of ${count(map.points.length)} paintings${sampled} by ${count(artists)} artists, from the index of model v${map.modelVersion}, laid out in 2-D by UMAP; nearby points have similar embeddings.`;
        mapNote.textContent = `${description} Hover over a point, or focus the map and use the arrow keys, to see the painting.`;
        drawMap(mapCanvas, map.points, mapTip, description);
      } catch (e) {
        mapNote.textContent = messageOf(e, 'The map is not available');
      } finally {
        mapLoading = false;
      }
    });
  }

  return {
    show() {
      if (!models) void loadModels();
      // The map belongs to the serving index: reload it after a rebuild was swapped in.
      void getJson<{ serving: { id: number } | null }>('/api/index')
        .then((s) => {
          if (s.serving && s.serving.id !== mapIndexId && !section.hidden) void loadMap();
        })
        .catch(() => undefined);
    },
  };
}

/** Which artists a model trained on, and what that means for its evaluation. */
function trainedOn(model: ModelSummary): string {
  if (model.artists === 'training') return "the training split's artists (its test split measures unseen artists)";
  const twin = model.calibration.selection === 'held-out-twin' ? `; calibrated by v${model.calibration.evaluatedModelVersion}, the same configuration trained without them` : '';
  return `every labelled artist, the test split's too: no held-out evaluation${twin}`;
}
