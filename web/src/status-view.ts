/**
 * "Index and jobs": the serving index, a rebuild in progress, and every job with its phase and
 * progress, refreshed while the section is open (every second while a job runs). With an API key
 * the user can start a rebuild, a training run or an evaluation here.
 */
import { getJson, postJson } from './api.js';
import type { IndexStatus, Job } from './api-types.js';
import { byId, h, replaceChildren } from './dom.js';
import { showError } from './errors.js';
import { count, dateTime, fixed } from './format.js';

const FAST_MS = 1000;
const SLOW_MS = 5000;

export interface StatusView {
  show(): void;
  hide(): void;
}

export function statusView(onIndexChange: (status: IndexStatus) => void): StatusView {
  const indexBox = byId('index-status');
  const jobsBody = byId('jobs-body');
  const error = byId('status-error');
  const key = byId('api-key', HTMLInputElement);
  const rebuild = byId('start-rebuild', HTMLButtonElement);
  const trainForm = byId('train-form', HTMLFormElement);
  const evaluate = byId('start-evaluation', HTMLButtonElement);
  const announcer = byId('status-announcer');
  let timer: number | undefined;
  let visible = false;
  /** Jobs already finished when last seen; null until the first answer (old jobs are not announced). */
  let finished: Set<string> | null = null;

  async function refresh(): Promise<void> {
    let running = false;
    try {
      const [index, jobs] = await Promise.all([getJson<IndexStatus>('/api/index'), getJson<Job[]>('/api/jobs')]);
      renderIndex(index);
      renderJobs(jobs);
      onIndexChange(index);
      running = jobs.some((j) => j.status === 'running' || j.status === 'queued');
    } catch (e) {
      showError(error, e, 'The status could not be loaded');
    }
    window.clearTimeout(timer);
    if (visible) timer = window.setTimeout(() => void refresh(), running ? FAST_MS : SLOW_MS);
  }

  function renderIndex(s: IndexStatus): void {
    const serving = s.serving
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Serving'),
          h('dd', {}, `index ${s.serving.id} of model v${s.serving.modelVersion}`),
          h('dt', {}, 'Paintings'),
          h('dd', {}, count(s.serving.elementCount)),
          h('dt', {}, 'HNSW'),
          h('dd', {}, `M ${s.serving.params.M}, efConstruction ${s.serving.params.efConstruction}, ef ${s.serving.params.ef}`),
          h('dt', {}, 'Built'),
          h('dd', {}, `${dateTime(s.serving.createdAt)}${s.serving.buildSeconds !== null ? ` in ${fixed(s.serving.buildSeconds, 1)} s` : ''}`),
        )
      : h('p', {}, 'No index is loaded: queries wait until one is built.');
    const building = s.building
      ? h('p', { class: 'building' }, `Rebuilding (job ${s.building.jobId}): ${s.building.phase} `, progressBar(s.building.progress, 'Rebuild progress'))
      : null;
    replaceChildren(indexBox, serving, building);
  }

  function renderJobs(jobs: Job[]): void {
    const rows = [...jobs]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((j) =>
        h(
          'tr',
          { 'data-job-id': j.id, 'data-status': j.status },
          h('td', {}, j.kind),
          h('td', {}, h('span', { class: `badge ${j.status}` }, j.status)),
          h('td', {}, j.phase),
          h('td', {}, progressBar(j.progress, `Progress of ${j.kind} job ${j.id}`)),
          h('td', {}, dateTime(j.startedAt)),
          h('td', {}, dateTime(j.finishedAt)),
          h('td', {}, j.error ? `${j.error.code}: ${j.error.message}` : ''),
        ),
      );
    replaceChildren(jobsBody, ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7 }, 'No jobs yet.'))]));
    // Announce each job's end once, for users who are not watching the table.
    const ended = jobs.filter((j) => j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled');
    if (finished) for (const j of ended) if (!finished.has(j.id)) announcer.textContent = `The ${j.kind} job ${j.status}.`;
    finished = new Set(ended.map((j) => j.id));
  }

  function progressBar(p: { done: number; total: number }, label: string): HTMLElement {
    const text = p.total > 0 ? `${count(p.done)} / ${count(p.total)}` : '—';
    return h(
      'span',
      { class: 'progress' },
      h('progress', { max: Math.max(1, p.total), value: p.total > 0 ? p.done : 0, 'aria-label': label }),
      h('span', { class: 'progress-text' }, text),
    );
  }

  async function start(button: HTMLButtonElement, path: string, body: unknown, what: string): Promise<void> {
    showError(error, null);
    if (!key.value.trim()) {
      showError(error, new Error(`Enter an API key to start ${what}.`));
      key.focus();
      return;
    }
    button.disabled = true;
    try {
      const job = await postJson<Job>(path, body, { 'x-api-key': key.value.trim() });
      announcer.textContent = `Started ${what} (job ${job.id}).`;
    } catch (e) {
      showError(error, e, `${what[0].toUpperCase()}${what.slice(1)} could not be started`);
    } finally {
      button.disabled = false;
    }
    await refresh();
  }

  rebuild.addEventListener('click', () => void start(rebuild, '/api/index/rebuild', {}, 'an index rebuild'));
  evaluate.addEventListener('click', () => void start(evaluate, '/api/jobs/evaluate', {}, 'an evaluation'));
  trainForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(trainForm);
    const epochs = Number(data.get('epochs'));
    const body = { preset: String(data.get('preset')), ...(epochs > 0 ? { epochs } : {}) };
    void start(trainForm.querySelector('button') ?? rebuild, '/api/jobs/train', body, 'a training run');
  });

  return {
    show() {
      visible = true;
      void refresh();
    },
    hide() {
      visible = false;
      window.clearTimeout(timer);
    },
  };
}
