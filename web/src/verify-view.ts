/**
 * "Same painter?": two paintings, each uploaded or picked from the corpus, → the decision with
 * distance, threshold and confidence, drawn on the distance distributions of same-artist and
 * different-artist pairs from the model's evaluation.
 */
import { getJson, postJson, uploadImage } from './api.js';
import type { PaintingSummary, RocEvaluation, VerifyResult } from './api-types.js';
import { drawDistances } from './charts.js';
import { byId, h, replaceChildren, whileBusy } from './dom.js';
import { attachDropZone, previewFile } from './drop-zone.js';
import { messageOf, showError } from './errors.js';
import { fixed, paintingLabel, percent } from './format.js';
import { problemWithFile } from './image-file.js';

type Side = 'a' | 'b';
type ImageRef = { uploadId: string } | number;

export interface VerifyView {
  usePainting(p: PaintingSummary, side: Side): void;
  useFile(file: File, side: Side): void;
}

interface SideControls {
  input: HTMLInputElement;
  id: HTMLInputElement;
  preview: HTMLImageElement;
  file: File | null;
}

export function verifyView(): VerifyView {
  const form = byId('verify-form', HTMLFormElement);
  const error = byId('verify-error');
  const result = byId('verify-result');
  const canvas = byId('verify-chart', HTMLCanvasElement);
  const chartNote = byId('verify-chart-note');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const evaluations = new Map<number, Promise<RocEvaluation>>();

  const sides = Object.fromEntries(
    (['a', 'b'] as const).map((side) => {
      const c: SideControls = {
        input: byId(`verify-${side}-file`, HTMLInputElement),
        id: byId(`verify-${side}-id`, HTMLInputElement),
        preview: byId(`verify-${side}-preview`, HTMLImageElement),
        file: null,
      };
      attachDropZone(byId(`verify-${side}-drop`), c.input, (file) => useFile(file, side));
      c.id.addEventListener('change', () => void previewId(c));
      return [side, c];
    }),
  ) as Record<Side, SideControls>;

  function useFile(file: File, side: Side): void {
    const c = sides[side];
    c.file = file;
    c.id.value = '';
    if (c.input.files?.[0] !== file) {
      const t = new DataTransfer();
      t.items.add(file);
      c.input.files = t.files;
    }
    previewFile(c.preview, file);
  }

  function usePainting(p: PaintingSummary, side: Side): void {
    const c = sides[side];
    c.file = null;
    c.input.value = '';
    c.id.value = String(p.id);
    showCorpusPreview(c, p);
  }

  function showCorpusPreview(c: SideControls, p: PaintingSummary): void {
    previewFile(c.preview, null);
    c.preview.src = `${p.thumbnailUrl}?size=256`;
    c.preview.alt = paintingLabel(p);
    c.preview.hidden = false;
  }

  async function previewId(c: SideControls): Promise<void> {
    showError(error, null);
    const id = Number(c.id.value);
    if (!c.id.value) return;
    c.file = null;
    c.input.value = '';
    if (!Number.isInteger(id) || id < 1) {
      showError(error, new Error(`"${c.id.value}" is not a painting id: enter a whole number from 1 up.`));
      return;
    }
    try {
      showCorpusPreview(c, await getJson<PaintingSummary>(`/api/paintings/${id}`));
    } catch (e) {
      previewFile(c.preview, null);
      showError(error, e, `Painting ${id}`);
    }
  }

  async function reference(side: Side): Promise<ImageRef> {
    const c = sides[side];
    const name = `Painting ${side.toUpperCase()}`;
    if (c.file) {
      const problem = problemWithFile(c.file);
      if (problem) throw new Error(`${name}: ${problem}`);
      try {
        return { uploadId: (await uploadImage(c.file)).id };
      } catch (e) {
        throw new Error(messageOf(e, `${name} ("${c.file.name}") could not be used`));
      }
    }
    const id = Number(c.id.value);
    if (c.id.value && Number.isInteger(id) && id >= 1) return id;
    throw new Error(`${name} is missing: choose an image file or enter a corpus painting id.`);
  }

  function evaluationOf(version: number): Promise<RocEvaluation> {
    let e = evaluations.get(version);
    if (!e) {
      e = getJson<RocEvaluation>(`/api/models/${version}/roc`);
      evaluations.set(version, e);
      e.catch(() => evaluations.delete(version));
    }
    return e;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(error, null);
    void whileBusy(result, submit, async () => {
      try {
        const [a, b] = await Promise.all([reference('a'), reference('b')]);
        const verdict = await postJson<VerifyResult>('/api/verify', { a, b });
        render(verdict);
        await drawChart(verdict);
      } catch (err) {
        replaceChildren(result);
        showError(error, err);
      }
    });
  });

  function render(v: VerifyResult): void {
    const calibration = v.calibration.source === 'evaluation' ? `calibrated on evaluation ${v.calibration.evaluationId}` : 'default threshold (no stored evaluation)';
    replaceChildren(
      result,
      h('p', { class: `verdict ${v.sameArtist ? 'same' : 'different'}` }, v.sameArtist ? 'Same painter' : 'Different painters'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Distance'),
        h('dd', {}, fixed(v.distance)),
        ...(v.score.kind === 'csls' ? [h('dt', {}, 'Cohort-normalised distance'), h('dd', {}, `${fixed(v.score.value)} (what the decision reads)`)] : []),
        h('dt', {}, 'Threshold'),
        h('dd', {}, `${fixed(v.threshold)} (${calibration})`),
        h('dt', {}, 'Confidence'),
        h('dd', {}, percent(v.confidence, 1)),
        h('dt', {}, 'Probability of the same painter'),
        h('dd', {}, percent(v.probabilitySameArtist, 1)),
        h('dt', {}, 'Model'),
        h('dd', {}, `v${v.modelVersion}`),
      ),
    );
  }

  async function drawChart(v: VerifyResult): Promise<void> {
    try {
      const evaluation = await evaluationOf(v.modelVersion);
      const normalised = v.score.kind === 'csls';
      const histograms = normalised ? evaluation.csls?.histograms : evaluation.histograms;
      if (!histograms) {
        canvas.hidden = true;
        chartNote.textContent = 'The evaluation of this model has no stored distance distributions.';
        return;
      }
      canvas.hidden = false;
      chartNote.textContent = `Pairs of the ${evaluation.split ?? 'evaluated'} split (${evaluation.pairs.toLocaleString('en')} pairs): the further left of the threshold, the surer "same painter".`;
      drawDistances(canvas, histograms, v.threshold, v.score.value, normalised ? 'Cohort-normalised distance' : 'Embedding distance');
    } catch (e) {
      canvas.hidden = true;
      chartNote.textContent = messageOf(e, 'The distance distributions are not available');
    }
  }

  return { usePainting, useFile };
}
