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
    .option('--json', 'print one JSON object')
    .action(async (o: { model?: number; baseline?: 'untrained' | 'backbone'; preset?: string; split: 'test' | 'validation' | 'train'; dataset?: string; seed: number; json?: boolean }) => {
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
