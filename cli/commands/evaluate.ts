import type { Command } from 'commander';
import { initBackend } from '../../src/compute/backend.js';
import { PRESETS } from '../../src/encoders/presets.js';
import { evaluate, type EvaluateReport } from '../../src/services/evaluation-service.js';
import { withDatabase } from '../context.js';
import { int, oneOf } from '../options.js';
import { progressBar } from '../progress.js';

function printReport(r: EvaluateReport): void {
  const f = (x: number | null) => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  console.log(`${r.subject} on ${r.split ? `the ${r.split} split of ` : ''}${r.dataset}`);
  console.log(`  ${r.paintings} paintings, ${r.artists} artists; ${r.pairs.same} same-artist pairs, ${r.pairs.different} different-artist pairs`);
  console.log(`  ROC AUC              ${f(r.auc)}`);
  console.log(`  AUC within a style   ${f(r.aucSameStyle)}  (${r.pairs.sameStyleDifferent} same-style different-artist pairs)`);
  console.log(`  triplet accuracy     ${f(r.tripletAccuracy)}  (${r.triplets} random triplets)`);
  console.log(`  decision threshold   ${r.threshold.toFixed(3)}  (accuracy ${f(r.bestAccuracy)}); equal-error threshold ${r.eerThreshold.toFixed(3)} (EER ${f(r.eer)})`);
  if (r.csls) {
    const c = r.csls;
    console.log(`  cohort-normalised (CSLS, K ${c.params.k}, ${c.params.variant}; cohort of ${c.cohortPaintings} training paintings):`);
    console.log(`    ROC AUC ${f(c.auc)}, within a style ${f(c.aucSameStyle)}, triplet accuracy ${f(c.tripletAccuracy)}; threshold ${c.bestThreshold.toFixed(3)} (accuracy ${f(c.bestAccuracy)})`);
    const best = c.sweep.reduce((a, b) => (b.auc > a.auc ? b : a));
    console.log(`    best of the sweep: K ${best.k}, ${best.variant}: AUC ${f(best.auc)}, within a style ${f(best.aucSameStyle)}`);
  }
  if (r.ranking) {
    const k = r.ranking;
    console.log(`  nearest artist (${k.queries} paintings against ${r.gallery?.paintings ?? '?'} others + each other): top-1 ${f(k.raw.top1)}, top-5 ${f(k.raw.top5)} raw` +
      (k.csls ? `; top-1 ${f(k.csls.top1)}, top-5 ${f(k.csls.top5)} cohort-normalised` : '') + ` → served ranking: ${k.chosen}`);
  }
  if (r.openSet) {
    const o = r.openSet;
    console.log(`  open set (${o.protocol.queries.known} known, ${o.protocol.queries.unknown} unknown queries over ${o.protocol.repeats} repeats): detection AUROC / balanced accuracy`);
    for (const s of [...o.scores].sort((a, b) => b.auroc - a.auroc)) console.log(`    ${s.score.padEnd(30)} ${f(s.auroc)}  ${f(s.accuracy)}  (ECE ${f(s.ece)})`);
    console.log(`    chosen: ${o.chosen}; verdicts at ≥ ${o.verdicts.confidence}: ${(100 * o.verdicts.coverage).toFixed(1)}% of queries, right ${o.verdicts.accuracy === null ? 'n/a' : (100 * o.verdicts.accuracy).toFixed(1) + '%'}`);
    if (o.bestArtist) {
      const b = o.bestArtist;
      console.log(`  best artist is the painter (${(100 * b.base).toFixed(1)}% of all queries): AUROC / ECE`);
      for (const s of [...b.scores].sort((x, y) => y.auroc - x.auroc)) console.log(`    ${s.score.padEnd(30)} ${f(s.auroc)}  (ECE ${f(s.ece)})`);
      console.log(`    chosen: ${b.chosen}; ECE ${f(b.reliability.ece)}`);
    }
  }
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('ROC evaluation of a model version (or a baseline) on unseen artists')
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--baseline <name>', 'evaluate a baseline instead: untrained (the preset with random weights) or backbone (frozen pretrained features)', oneOf('--baseline', ['untrained', 'backbone'] as const))
    .option('--preset <name>', 'preset of the untrained baseline', oneOf('--preset', Object.keys(PRESETS)))
    .option('--split <split>', 'split of the imported dataset', oneOf('--split', ['test', 'validation', 'train'] as const), 'test')
    .option('--dataset <dir>', 'evaluate any labelled folder without importing it')
    .option('--seed <n>', 'seed of the sampled pairs and triplets', int('--seed'), 42)
    .option('--pairs-only', 'only the pair figures of the evaluated paintings: no corpus gallery (no CSLS, nearest-artist accuracy or open-set rule)')
    .option('--json', 'print one JSON object')
    .action(async (o: { model?: number; baseline?: 'untrained' | 'backbone'; preset?: string; split: 'test' | 'validation' | 'train'; dataset?: string; seed: number; pairsOnly?: boolean; json?: boolean }) => {
      await initBackend(undefined);
      await withDatabase(async (cfg, repos) => {
        const bars = new Map<string, ReturnType<typeof progressBar>>();
        const report = await evaluate(cfg, repos, {
          model: o.model,
          baseline: o.baseline,
          preset: o.preset,
          split: o.split,
          datasetPath: o.dataset,
          seed: o.seed,
          neighbourhood: !o.pairsOnly,
          onProgress: (phase, done, total) => {
            if (!bars.has(phase)) bars.set(phase, progressBar(phase));
            bars.get(phase)!.update(done, total);
            if (done === total) bars.get(phase)!.stop();
          },
        });
        if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printReport(report);
      });
    });
}
