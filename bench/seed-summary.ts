/**
 * Quality figures as mean ± std over split seeds: for each data directory (one import per seed,
 * each with its trained model), the evaluation that calibrates its newest complete model (its
 * test-split one), summarised — raw and cohort-normalised pair AUC, same-style AUC and triplet
 * accuracy, the CSLS sweep over K and variants, top-1 / top-5 nearest artist, and every open-set
 * score's detection AUROC and accuracy.
 *
 *   npx tsx bench/seed-summary.ts data/s42 data/s7 data/s1234 [--markdown] [--out FILE]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories/repositories.js';
import type { StoredEvaluationResult } from '../src/services/evaluation-service.js';
import { CalibrationService } from '../src/services/calibration-service.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { markdown: { type: 'boolean', default: false }, out: { type: 'string' } } });
if (positionals.length === 0) throw new Error('give one data directory per split seed');

interface Seed {
  dir: string;
  seed: number;
  dataset: string;
  modelVersion: number;
  evaluationId: number;
  result: StoredEvaluationResult;
}

const seeds: Seed[] = [];
for (const dir of positionals) {
  const cfg = loadConfig({ ...process.env, PAINTER_DATA_DIR: dir });
  const db = await openDatabase(cfg);
  try {
    const repos = createRepositories(db);
    const model = await repos.models.latestComplete();
    if (!model) throw new Error(`${dir}: no complete model`);
    const { info } = await new CalibrationService(repos).forModel(model.version);
    if (info.evaluationId === null) throw new Error(`${dir}: model v${model.version} has no test-split evaluation`);
    const e = (await repos.evaluations.findById(info.evaluationId))!;
    const dataset = model.datasetId !== null ? await repos.datasets.findById(model.datasetId) : null;
    seeds.push({ dir, seed: dataset?.seed ?? NaN, dataset: dataset?.rootPath ?? '?', modelVersion: model.version, evaluationId: e.id, result: e.result as unknown as StoredEvaluationResult });
  } finally {
    await db.close();
  }
}

const stats = (xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std, n: v.length };
};
const pm = (xs: (number | null | undefined)[], digits = 3) => {
  const s = stats(xs);
  return s.n ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : 'n/a';
};
const table = (title: string, header: string[], rows: string[][]) => {
  const out: string[] = [`\n${title}`];
  if (values.markdown) {
    out.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`));
  } else {
    const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    out.push(header.map((h, i) => h.padEnd(w[i])).join('  '), ...rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ')));
  }
  return out.join('\n');
};

const r = seeds.map((s) => s.result);
const lines: string[] = [];
lines.push(`${seeds.length} split seeds: ${seeds.map((s) => `${s.seed} (${s.dir}, model v${s.modelVersion}, evaluation ${s.evaluationId})`).join('; ')}; dataset ${[...new Set(seeds.map((s) => s.dataset))].join(', ')}, test split`);
lines.push(
  table('Pairs of unseen test artists', ['score', 'AUC', 'same-style AUC', 'triplet accuracy', 'best-threshold accuracy'], [
    ['raw distance', pm(r.map((x) => x.auc)), pm(r.map((x) => x.aucSameStyle)), pm(r.map((x) => x.tripletAccuracy)), pm(r.map((x) => x.bestAccuracy))],
    [
      `CSLS (K ${r[0].csls?.params.k}, ${r[0].csls?.params.variant}; served)`,
      pm(r.map((x) => x.csls?.auc)),
      pm(r.map((x) => x.csls?.aucSameStyle)),
      pm(r.map((x) => x.csls?.tripletAccuracy)),
      pm(r.map((x) => x.csls?.bestAccuracy)),
    ],
    ['CSLS − raw', pm(r.map((x) => (x.csls ? x.csls.auc - x.auc : null))), pm(r.map((x) => (x.csls && x.aucSameStyle !== null && x.csls.aucSameStyle !== null ? x.csls.aucSameStyle - x.aucSameStyle : null))), pm(r.map((x) => (x.csls ? x.csls.tripletAccuracy - x.tripletAccuracy : null))), ''],
  ]),
);
const sweepKeys = [...new Set(r.flatMap((x) => x.csls?.sweep.map((s) => `${s.variant}|${s.k}`) ?? []))];
lines.push(
  table(
    'CSLS sweep (same pairs)',
    ['variant', 'K', 'AUC', 'same-style AUC', 'triplet accuracy'],
    sweepKeys.map((key) => {
      const [variant, k] = key.split('|');
      const pts = r.map((x) => x.csls?.sweep.find((s) => s.variant === variant && String(s.k) === k));
      return [variant, k, pm(pts.map((p) => p?.auc)), pm(pts.map((p) => p?.aucSameStyle)), pm(pts.map((p) => p?.tripletAccuracy))];
    }),
  ),
);
lines.push(
  table('Nearest artist (each test painting against the rest of the corpus)', ['ranking', 'top-1', 'top-5'], [
    ['raw mean-top3', pm(r.map((x) => x.ranking?.raw.top1)), pm(r.map((x) => x.ranking?.raw.top5))],
    ['CSLS mean-top3', pm(r.map((x) => x.ranking?.csls?.top1)), pm(r.map((x) => x.ranking?.csls?.top5))],
  ]),
);
lines.push(`served ranking per seed: ${r.map((x) => x.ranking?.chosen).join(', ')}`);
const scoreNames = [...new Set(r.flatMap((x) => x.openSet?.scores.map((s) => s.score) ?? []))];
lines.push(
  table(
    `Open set: known vs unknown painters (${r.map((x) => `${x.openSet?.protocol.queries.known}/${x.openSet?.protocol.queries.unknown}`).join(', ')} known/unknown queries)`,
    ['score', 'detection AUROC', 'balanced accuracy (cross-fitted, p ≥ ½)', 'ECE'],
    scoreNames
      .map((name) => {
        const pts = r.map((x) => x.openSet?.scores.find((s) => s.score === name));
        return { name, row: [name, pm(pts.map((p) => p?.auroc)), pm(pts.map((p) => p?.accuracy)), pm(pts.map((p) => p?.ece))], auroc: stats(pts.map((p) => p?.auroc)).mean };
      })
      .sort((a, b) => b.auroc - a.auroc)
      .map((x) => x.row),
  ),
);
lines.push(`chosen per seed: ${r.map((x) => x.openSet?.chosen).join(', ')}`);
lines.push(
  `confident verdicts (probability ≥ ${r[0].openSet?.verdicts.confidence}): coverage ${pm(r.map((x) => x.openSet?.verdicts.coverage))}, accuracy ${pm(r.map((x) => x.openSet?.verdicts.accuracy))}; chosen rule's ECE ${pm(r.map((x) => x.openSet?.reliability.ece))}; known queries' top-1 ${pm(r.map((x) => x.openSet?.knownTop1))}`,
);
const bins = r[0].openSet?.reliability.bins ?? [];
lines.push(
  table(
    'Reliability of the chosen rule (out of fold, equal prior; pooled over seeds)',
    ['predicted', 'queries', 'mean predicted', 'observed known'],
    bins
      .map((b, i) => {
        const per = r.map((x) => x.openSet?.reliability.bins[i]);
        const count = per.reduce((s, p) => s + (p?.count ?? 0), 0);
        return { b, count, per };
      })
      .filter((x) => x.count > 0)
      .map(({ b, count, per }) => [`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, String(count), pm(per.filter((p) => p && p.count > 0).map((p) => p!.meanPredicted)), pm(per.filter((p) => p && p.count > 0).map((p) => p!.observed))]),
  ),
);
const withBest = r.filter((x) => x.openSet?.bestArtist);
if (withBest.length > 0) {
  const bestNames = [...new Set(withBest.flatMap((x) => x.openSet!.bestArtist!.scores.map((s) => s.score)))];
  lines.push(
    table(
      `Is the best-ranked artist the painter? (all queries, known and unknown; base rate ${pm(withBest.map((x) => x.openSet!.bestArtist!.base))}; ${withBest.length} of ${r.length} seeds measured it)`,
      ['score', 'AUROC', 'ECE (cross-fitted, at the queries\' own mix)'],
      bestNames
        .map((name) => {
          const pts = withBest.map((x) => x.openSet!.bestArtist!.scores.find((s) => s.score === name));
          return { row: [name, pm(pts.map((p) => p?.auroc)), pm(pts.map((p) => p?.ece))], auroc: stats(pts.map((p) => p?.auroc)).mean };
        })
        .sort((a, b) => b.auroc - a.auroc)
        .map((x) => x.row),
    ),
  );
  lines.push(`chosen per seed: ${withBest.map((x) => x.openSet!.bestArtist!.chosen).join(', ')}`);
}
const text = lines.join('\n') + '\n';
process.stdout.write(text);
if (values.out) await writeFile(values.out, JSON.stringify({ seeds: seeds.map(({ result: _, ...s }) => s), results: r }, null, 2));
