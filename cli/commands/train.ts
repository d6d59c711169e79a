import type { Command } from 'commander';
import { initBackend, describeBackend } from '../../src/compute/backend.js';
import { PRESETS } from '../../src/encoders/presets.js';
import { EMBED_VIEW_SET_NAMES, VIEW_SET_NAMES } from '../../src/backbone/views.js';
import { BACKBONE_CHOICES, BACKBONE_NAMES, DEFAULT_BACKBONE } from '../../src/encoders/backbone-choices.js';
import type { TrainingOverrides } from '../../training/config.js';
import { trainModel } from '../../training/train-service.js';
import { withDatabase } from '../context.js';
import { int, intList, num, oneOf } from '../options.js';
import { progressBar } from '../progress.js';

interface TrainFlags {
  preset?: TrainingOverrides['preset'];
  loss?: TrainingOverrides['loss'];
  mining?: TrainingOverrides['mining'];
  margin?: number;
  epochs?: number;
  batchSize?: number;
  paintingsPerArtist?: number;
  lr?: number;
  milestones?: number[];
  gamma?: number;
  imageSize?: number;
  stepsPerEpoch?: number;
  seed?: number;
  augment?: boolean;
  views?: TrainingOverrides['views'];
  embedViews?: TrainingOverrides['embedViews'];
  backbone?: TrainingOverrides['backbone'];
  fineTuneFrom?: string;
  fineTuneLrScale?: number;
  patience?: number;
  allArtists?: boolean;
  dataset?: number;
  resume?: boolean | string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train an encoder on the training split and save it as a new model version')
    .option('--preset <name>', `encoder preset: ${Object.keys(PRESETS).join(', ')} (default pretrained)`, oneOf('--preset', Object.keys(PRESETS) as ('pretrained' | 'small' | 'seed')[]))
    .option('--loss <loss>', 'triplet or contrastive (default triplet)', oneOf('--loss', ['triplet', 'contrastive'] as const))
    .option('--mining <m>', 'triplet mining: random (reference), batch-hard or batch-all', oneOf('--mining', ['random', 'batch-hard', 'batch-all'] as const))
    .option('--margin <m>', 'loss margin (default 2)', num('--margin'))
    .option('--epochs <n>', 'epochs', int('--epochs'))
    .option('--batch-size <n>', 'images per step', int('--batch-size'))
    .option('--paintings-per-artist <k>', 'K of a P×K batch', int('--paintings-per-artist'))
    .option('--lr <lr>', 'Adam learning rate', num('--lr'))
    .option('--milestones <list>', 'MultiStepLR milestones, e.g. 11,25,40', intList('--milestones'))
    .option('--gamma <g>', 'MultiStepLR decay factor', num('--gamma'))
    .option('--image-size <px>', 'input size of CNN presets (centre crop)', int('--image-size'))
    .option('--steps-per-epoch <n>', 'optimisation steps per epoch (0 = one pass over the training paintings)', int('--steps-per-epoch'))
    .option('--seed <n>', 'seed of initialisation, sampling and augmentation', int('--seed'))
    .option('--augment', "augment (the preset's default: on for the CNN presets)")
    .option('--no-augment', 'turn augmentation off')
    .option('--views <set>', `views of each painting cached for a head preset, one drawn per step: ${VIEW_SET_NAMES.join(', ')}`, oneOf('--views', VIEW_SET_NAMES))
    .option(
      '--embed-views <set>',
      `views of each painting whose embeddings are averaged into its embedding, in evaluation, the index and queries (head presets): ${EMBED_VIEW_SET_NAMES.join(', ')} (the painting and its mirror image)`,
      oneOf('--embed-views', EMBED_VIEW_SET_NAMES),
    )
    .option(
      '--backbone <name>',
      `frozen backbone of a head preset (default ${DEFAULT_BACKBONE}): ${BACKBONE_NAMES.map((n) => `${n} (${BACKBONE_CHOICES[n].description})`).join('; ')}`,
      oneOf('--backbone', BACKBONE_NAMES),
    )
    .option('--fine-tune-from <layer>', 'head presets: fine-tune the backbone above this layer (e.g. block_15_add) with the head')
    .option('--fine-tune-lr-scale <x>', "learning rate of the fine-tuned backbone layers as a fraction of the head's (default 0.1)", num('--fine-tune-lr-scale'))
    .option('--patience <n>', 'stop after n epochs without validation improvement', int('--patience'))
    .option(
      '--all-artists',
      "train on every labelled artist, the test split's too (validation paintings still choose the epoch): for a served model once its configuration has been evaluated; it has no held-out evaluation and is calibrated by the same configuration trained without this flag",
    )
    .option('--dataset <id>', 'dataset id (default: the newest import)', int('--dataset'))
    .option('--resume [version]', 'continue an interrupted run from its last checkpoint')
    .option('--json', 'after the per-epoch lines, print the saved model as one JSON line')
    .action(async (o: TrainFlags) => {
      const backend = await initBackend(undefined);
      process.stderr.write(describeBackend(backend) + '\n');
      const overrides: TrainingOverrides = {
        preset: o.preset,
        loss: o.loss,
        mining: o.mining,
        margin: o.margin,
        epochs: o.epochs,
        batchSize: o.batchSize,
        paintingsPerArtist: o.paintingsPerArtist,
        lr: o.lr,
        milestones: o.milestones,
        gamma: o.gamma,
        imageSize: o.imageSize,
        stepsPerEpoch: o.stepsPerEpoch,
        seed: o.seed,
        augment: o.augment,
        views: o.views,
        embedViews: o.embedViews,
        backbone: o.backbone,
        fineTuneFrom: o.fineTuneFrom,
        fineTuneLrScale: o.fineTuneLrScale,
        patience: o.patience,
        artists: o.allArtists ? 'all' : undefined,
      };
      for (const k of Object.keys(overrides) as (keyof TrainingOverrides)[]) if (overrides[k] === undefined) delete overrides[k];
      const resume = o.resume === undefined ? undefined : o.resume === true ? true : int('--resume')(o.resume as string);

      await withDatabase(async (cfg, repos) => {
        const phase = new Map<string, ReturnType<typeof progressBar>>();
        let bar: ReturnType<typeof progressBar> | undefined;
        let barEpoch = -1;
        const result = await trainModel(cfg, repos, {
          overrides,
          datasetId: o.dataset,
          resume,
          backend: backend.name,
          onPhase: (name, done, total) => {
            if (!phase.has(name)) phase.set(name, progressBar(name));
            phase.get(name)!.update(done, total);
            if (done === total) phase.get(name)!.stop();
          },
          onStep: (p) => {
            if (p.epoch !== barEpoch) {
              bar?.stop();
              bar = progressBar(`epoch ${p.epoch + 1}/${p.epochs}`, 'loss {loss} {ips} img/s');
              barEpoch = p.epoch;
            }
            bar!.update(p.step, p.steps, { loss: p.loss.toFixed(4), ips: p.imagesPerSecond.toFixed(1) });
          },
          onEpoch: (m) => {
            bar?.stop();
            bar = undefined;
            barEpoch = -1;
            process.stdout.write(JSON.stringify(m) + '\n');
          },
        });
        process.stderr.write(
          `model v${result.version} saved to ${result.dir} (best epoch ${result.bestEpoch}, ${result.seconds.toFixed(0)} s` +
            (result.resumedFrom ? `, resumed after epoch ${result.resumedFrom}` : '') + ')\n',
        );
        if (o.json) process.stdout.write(JSON.stringify({ model: result.version, dir: result.dir, bestEpoch: result.bestEpoch, seconds: result.seconds }) + '\n');
        process.stderr.write(
          'error' in result.onnx
            ? `warning: no ONNX export (${result.onnx.error}); the model serves on tfjs\n`
            : `ONNX export for serving: ${result.onnx.file} (${(result.onnx.bytes / 2 ** 20).toFixed(1)} MiB)\n`,
        );
      });
    });
}
