/**
 * The page's plots, drawn with Chart.js (tree-shaken to the parts used): the ROC curve, training
 * curves, the distance distributions with a pair's distance and the threshold, and the corpus map.
 * Each canvas also gets a text description (aria-label) since a canvas has no content of its own.
 */
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartDataset,
  type TooltipModel,
} from 'chart.js';
import type { DistanceHistograms, MapPoint, RocPoint, TrainingEpoch } from './api-types.js';
import { artistName, fixed } from './format.js';

type Point = { x: number; y: number };

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Filler, Legend, Title, Tooltip);
// Plots appear at once: no animation to wait for, and nothing moving for users who prefer less motion.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

const COLOURS = { same: '#1b7a3e', different: '#b23a48', accent: '#1f5fa8', muted: '#767676', marker: '#111111' };

/** Tableau's ten categorical colours (distinct, colour-blind aware), then golden-angle hues for more artists. */
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function artistColour(i: number): string {
  return i < CATEGORICAL.length ? CATEGORICAL[i] : `hsl(${Math.round((i * 137.508) % 360)} 60% 45%)`;
}

const charts = new WeakMap<HTMLCanvasElement, Chart>();

function draw(canvas: HTMLCanvasElement, description: string, create: () => Chart): Chart {
  charts.get(canvas)?.destroy();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', description);
  const chart = create();
  charts.set(canvas, chart);
  return chart;
}

/** ROC curve with the chance line and the chosen threshold's operating point marked. */
export function drawRoc(canvas: HTMLCanvasElement, roc: RocPoint[], auc: number, threshold: number): void {
  const curve = [...roc].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr).map((p) => ({ x: p.fpr, y: p.tpr }));
  const chosen = roc.reduce<RocPoint | null>((best, p) => (!best || Math.abs(p.threshold - threshold) < Math.abs(best.threshold - threshold) ? p : best), null);
  const description =
    `ROC curve, AUC ${fixed(auc, 3)}.` +
    (chosen ? ` At the threshold ${fixed(threshold)}: true positive rate ${fixed(chosen.tpr)}, false positive rate ${fixed(chosen.fpr)}.` : '');
  draw(canvas, description, () =>
    new Chart(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          { label: `ROC (AUC ${fixed(auc, 3)})`, data: curve, showLine: true, borderColor: COLOURS.accent, backgroundColor: COLOURS.accent, pointRadius: 0, borderWidth: 2 },
          { label: 'Chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: COLOURS.muted, borderDash: [6, 4], pointRadius: 0, borderWidth: 1 },
          ...(chosen
            ? [{ label: `Threshold ${fixed(threshold)}`, data: [{ x: chosen.fpr, y: chosen.tpr }], borderColor: COLOURS.marker, backgroundColor: '#f2b701', pointRadius: 7, pointStyle: 'rectRot' as const }]
            : []),
        ],
      },
      options: {
        scales: {
          x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'False positive rate (different artists judged same)' } },
          y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'True positive rate (same artist found)' } },
        },
        plugins: { title: { display: true, text: `ROC curve — AUC ${fixed(auc, 3)}` } },
      },
    }),
  );
}

/** Training loss (left axis) with validation triplet accuracy and AUC (right axis, 0–1) per epoch. */
export function drawTraining(canvas: HTMLCanvasElement, epochs: TrainingEpoch[]): void {
  const series = (pick: (e: TrainingEpoch) => number | null): Point[] =>
    epochs.flatMap((e) => {
      const y = pick(e);
      return y === null ? [] : [{ x: e.epoch, y }];
    });
  const last = epochs[epochs.length - 1];
  const description = last
    ? `Training curves over ${epochs.length} epochs. Last epoch: training loss ${fixed(last.trainLoss, 3)}` +
      (last.valTripletAccuracy !== null ? `, validation triplet accuracy ${fixed(last.valTripletAccuracy, 3)}` : '') +
      (last.valAuc !== null ? `, validation AUC ${fixed(last.valAuc, 3)}` : '') +
      '.'
    : 'No training epochs recorded.';
  const line = (label: string, data: Point[], colour: string, axis: 'y' | 'y1'): ChartDataset<'line', Point[]> => ({
    label,
    data,
    yAxisID: axis,
    borderColor: colour,
    backgroundColor: colour,
    pointRadius: 3,
    borderWidth: 2,
    borderDash: axis === 'y' ? [] : [2, 0],
  });
  draw(canvas, description, () =>
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          line('Training loss', series((e) => e.trainLoss), COLOURS.different, 'y'),
          line('Validation triplet accuracy', series((e) => e.valTripletAccuracy), COLOURS.accent, 'y1'),
          line('Validation AUC', series((e) => e.valAuc), COLOURS.same, 'y1'),
        ],
      },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Epoch' }, ticks: { stepSize: 1 } },
          y: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'Loss' } },
          y1: { type: 'linear', position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'Accuracy / AUC' } },
        },
        plugins: { title: { display: true, text: 'Training curves' } },
      },
    }),
  );
}

/**
 * Densities of the distances of same-artist and different-artist pairs (from the model's stored
 * evaluation), with the threshold and, when given, one pair's distance as vertical lines.
 */
export function drawDistances(canvas: HTMLCanvasElement, hist: DistanceHistograms, threshold: number, pairDistance?: number, axis = 'Embedding distance'): void {
  const density = (counts: number[]): Point[] => {
    const total = counts.reduce((s, c) => s + c, 0) || 1;
    return counts.map((c, i) => ({ x: hist.min + (i + 0.5) * hist.binWidth, y: c / (total * hist.binWidth) }));
  };
  const same = density(hist.same);
  const different = density(hist.different);
  const top = Math.max(...same.map((p) => p.y), ...different.map((p) => p.y), 0.01) * 1.08;
  const vertical = (x: number, label: string, colour: string, dash: number[]): ChartDataset<'line', Point[]> => ({
    label,
    data: [{ x, y: 0 }, { x, y: top }],
    borderColor: colour,
    // An outline only, so the legend's swatch shows the dash pattern.
    backgroundColor: 'transparent',
    borderDash: dash,
    borderWidth: 2,
    pointRadius: 0,
  });
  const area = (label: string, data: Point[], colour: string): ChartDataset<'line', Point[]> => ({
    label,
    data,
    borderColor: colour,
    backgroundColor: `${colour}33`,
    fill: 'origin',
    pointRadius: 0,
    borderWidth: 2,
    tension: 0.2,
  });
  const description =
    `${axis} distributions of same-artist pairs (green) and different-artist pairs (red), threshold ${fixed(threshold)}` +
    (pairDistance !== undefined ? `, this pair's distance ${fixed(pairDistance)} (${pairDistance <= threshold ? 'at or below' : 'above'} the threshold).` : '.');
  // Show the range the pairs occupy (raw histograms span 0–10, mostly empty), plus the markers.
  const lastBin = Math.max(...[hist.same, hist.different].map((c) => c.findLastIndex((n) => n > 0)));
  const maxX = Math.max(hist.min + (lastBin + 2) * hist.binWidth, threshold, pairDistance ?? -Infinity);
  const minX = Math.min(hist.min, threshold, pairDistance ?? Infinity);
  const pad = 0.05 * (maxX - minX);
  draw(canvas, description, () =>
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          area('Same artist', same, COLOURS.same),
          area('Different artists', different, COLOURS.different),
          vertical(threshold, `Threshold ${fixed(threshold)}`, COLOURS.marker, [6, 4]),
          ...(pairDistance !== undefined ? [vertical(pairDistance, `This pair ${fixed(pairDistance)}`, COLOURS.accent, [])] : []),
        ],
      },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', min: minX >= 0 ? 0 : Math.floor((minX - pad) * 2) / 2, max: Math.ceil((maxX + pad) * 2) / 2, title: { display: true, text: axis } },
          y: { type: 'linear', min: 0, max: top, title: { display: true, text: 'Density of pairs' } },
        },
        plugins: { title: { display: true, text: 'Distances of same-artist and different-artist pairs' }, tooltip: { enabled: false } },
      },
    }),
  );
}

interface MapDatum extends Point {
  point: MapPoint;
}

/**
 * The corpus map: one colour per artist. Hovering (or moving with the arrow keys while the canvas
 * has focus) shows the painting's thumbnail, title and artist in `tip`.
 */
export function drawMap(canvas: HTMLCanvasElement, points: MapPoint[], tip: HTMLElement, description: string): void {
  const artists = [...new Set(points.map((p) => artistName(p.artist)))].sort((a, b) => a.localeCompare(b));
  const datasets: ChartDataset<'scatter', MapDatum[]>[] = artists.map((artist, i) => ({
    label: artist,
    data: points.filter((p) => artistName(p.artist) === artist).map((p) => ({ x: p.x, y: p.y, point: p })),
    backgroundColor: artistColour(i),
    borderColor: artistColour(i),
    pointRadius: 4,
    pointHoverRadius: 8,
  }));
  const showTip = (datum: MapDatum | null, x = 0, y = 0) => {
    if (!datum) {
      tip.hidden = true;
      return;
    }
    const p = datum.point;
    const img = document.createElement('img');
    img.src = `${p.thumbnailUrl}?size=128`;
    img.alt = '';
    img.width = 128;
    img.height = 128;
    const caption = document.createElement('span');
    caption.textContent = `${p.title ?? 'Untitled'} — ${artistName(p.artist)}`;
    tip.replaceChildren(img, caption);
    tip.hidden = false;
    tip.style.left = `${canvas.offsetLeft + x}px`;
    tip.style.top = `${canvas.offsetTop + y}px`;
  };
  const external = ({ tooltip }: { tooltip: TooltipModel<'scatter'> }) => {
    const active = tooltip.opacity === 0 ? undefined : tooltip.dataPoints?.[0];
    showTip(active ? (active.raw as MapDatum) : null, tooltip.caretX, tooltip.caretY);
  };
  const chart = draw(canvas, description, () =>
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        parsing: false,
        scales: { x: { type: 'linear', display: false }, y: { type: 'linear', display: false } },
        plugins: {
          legend: { display: artists.length <= 24, position: 'right' },
          tooltip: { enabled: false, external, mode: 'nearest', intersect: false },
        },
      },
    }),
  );
  enableKeyboardWalk(canvas, chart, showTip);
}

/** Arrow keys step through the map's points in order, showing each one as hovering would. */
function enableKeyboardWalk(canvas: HTMLCanvasElement, chart: Chart, showTip: (d: MapDatum | null, x?: number, y?: number) => void): void {
  const order = chart.data.datasets.flatMap((ds, datasetIndex) => ds.data.map((_, index) => ({ datasetIndex, index })));
  let at = -1;
  canvas.tabIndex = 0;
  canvas.onkeydown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (e.key === 'Escape') {
      showTip(null);
      return;
    }
    if (!step || order.length === 0) return;
    e.preventDefault();
    at = (at + step + order.length) % order.length;
    const target = order[at];
    const element = chart.getDatasetMeta(target.datasetIndex).data[target.index];
    chart.setActiveElements([target]);
    chart.update();
    showTip(chart.data.datasets[target.datasetIndex].data[target.index] as MapDatum, element.x, element.y);
  };
  canvas.onblur = () => showTip(null);
}
