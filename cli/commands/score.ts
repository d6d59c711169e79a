import type { Command } from 'commander';
import { scorePairs, DEFAULT_FALLBACK, type ScoreReport } from '../../src/services/score-service.js';
import { withDatabase } from '../context.js';
import { int, num } from '../options.js';
import { progressBar, type Progress } from '../progress.js';

function printReport(r: ScoreReport): void {
  const s = r.seconds;
  console.log(`${r.pairs.toLocaleString('en')} pairs (columns ${[r.columns.index, r.columns.a, r.columns.b].filter(Boolean).join(', ')}) → ${r.out}`);
  console.log(
    `  model v${r.modelVersion}, ${r.score === 'csls' ? 'cohort-normalised distance' : 'distance'} calibrated by ${
      r.calibration.evaluationId !== null ? `evaluation ${r.calibration.evaluationId} (${r.calibration.selection})` : 'no evaluation (uncalibrated default)'
    }`,
  );
  console.log(
    `  images: ${r.images.distinct.toLocaleString('en')} distinct, ${r.images.embedded.toLocaleString('en')} embedded${
      r.imagesPerSecond ? ` (${r.imagesPerSecond.toFixed(1)} images/s)` : ''
    }, ${r.images.fromCache.toLocaleString('en')} from the cache, ${r.images.failed} unreadable`,
  );
  console.log(`  time: read ${s.read.toFixed(1)} s, embed ${s.embed.toFixed(1)} s, cohort ${s.cohort.toFixed(1)} s, score ${s.score.toFixed(1)} s (${Math.round(r.pairsPerSecond).toLocaleString('en')} pairs/s)`);
  if (r.skipped.length) {
    console.log(`  ${r.fallbackPairs.toLocaleString('en')} pairs name an image that could not be used: written with probability ${r.fallback}. Skipped images (all in ${r.skippedFile}):`);
    for (const k of r.skipped.slice(0, 20)) console.log(`    ${k.image}: ${k.reason} (${k.pairs} pairs)`);
    if (r.skipped.length > 20) console.log(`    … and ${r.skipped.length - 20} more`);
  }
  if (r.auc) {
    console.log(
      `  ROC AUC against ${r.auc.source}: ${r.auc.value.toFixed(4)} over ${(r.auc.positives + r.auc.negatives).toLocaleString('en')} labelled pairs (${r.auc.positives.toLocaleString('en')} same artist)` +
        (r.auc.unlabelledPairs ? `; ${r.auc.unlabelledPairs.toLocaleString('en')} pairs without labels left out` : ''),
    );
  }
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      "score image pairs for the Kaggle Painter by Numbers submission: reads submission_info.csv (index,image1,image2; also img1,img2, or any CSV with two image columns), embeds each distinct image once and writes index,sameArtist with the calibrated probability",
    )
    .argument('<pairs>', 'CSV of pairs')
    .requiredOption('--images <dir>', 'folder the image names are relative to (e.g. the Kaggle test/ folder)')
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--out <file>', 'submission to write', 'submission.csv')
    .option('--labels <csv>', "check the result: the AUC against per-image artists (train_info.csv, all_data_info.csv, labels.csv or a folder with one) or a solution CSV with a sameArtist column")
    .option('--fallback <p>', 'probability written for a pair with a missing or unreadable image', num('--fallback'), DEFAULT_FALLBACK)
    .option('--json', 'print the report as JSON')
    .action(async (pairs: string, o: { images: string; model?: number; out: string; labels?: string; fallback: number; json?: boolean }) => {
      await withDatabase(async (cfg, repos) => {
        const bars = new Map<string, Progress>();
        const report = await scorePairs(cfg, repos, {
          pairsPath: pairs,
          imagesDir: o.images,
          out: o.out,
          model: o.model,
          labels: o.labels,
          fallback: o.fallback,
          onProgress: (phase, done, total) => {
            let bar = bars.get(phase);
            if (!bar) {
              for (const b of bars.values()) b.stop();
              bars.set(phase, (bar = progressBar(phase)));
            }
            bar.update(done, total);
          },
        });
        for (const b of bars.values()) b.stop();
        if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printReport(report);
      });
    });
}
