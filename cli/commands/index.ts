import type { Command } from 'commander';
import { describeBackend, initBackend } from '../../src/compute/backend.js';
import type { BuildList } from '../../src/services/index-service.js';
import { withIndexService } from '../context.js';
import { int } from '../options.js';
import { progressBar } from '../progress.js';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('embed every painting of the corpus with a model, write a new index build and make it the one every server serves (unless a build is pinned)')
    .option('--model <version>', 'model version (default: the newest complete one)', int('--model'))
    .option('--m <M>', 'HNSW M (links per node)', int('--m'))
    .option('--ef-construction <n>', 'HNSW efConstruction', int('--ef-construction'))
    .option('--ef <n>', 'HNSW ef at query time (pgvector: hnsw.ef_search)', int('--ef'))
    .option('--no-activate', 'write the build but leave the alias where it is')
    .option('--json', 'print the build record as JSON')
    .action(async (o: { model?: number; m?: number; efConstruction?: number; ef?: number; activate: boolean; json?: boolean }) => {
      process.stderr.write(describeBackend(await initBackend()) + '\n');
      await withIndexService(async (service) => {
        const bars = new Map<string, ReturnType<typeof progressBar>>();
        const params = Object.fromEntries(Object.entries({ M: o.m, efConstruction: o.efConstruction, ef: o.ef }).filter(([, v]) => v !== undefined));
        const build = await service.build({
          modelVersion: o.model,
          params,
          onProgress: (phase, done, total) => {
            let bar = bars.get(phase);
            if (!bar) bars.set(phase, (bar = progressBar(phase)));
            bar.update(done, total);
          },
        });
        for (const b of bars.values()) b.stop();
        const { activated } = o.activate ? await service.publish(build, { load: false }) : { activated: false };
        if (o.json) process.stdout.write(JSON.stringify({ ...build, activated }) + '\n');
        else {
          process.stdout.write(
            `index ${build.id} (${build.store}): ${build.elementCount} paintings with model v${build.modelVersion} in ${build.buildSeconds?.toFixed(1)} s → ${build.dir}` +
              `${activated ? ', active' : o.activate ? ', not active (a pinned build stays: painter builds unpin)' : ''}\n`,
          );
        }
      });
    });

  const builds = program
    .command('builds')
    .description('list index builds; activate (pin) one to roll back without a rebuild; unpin; set how many are kept')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withIndexService(async (service) => print(await service.list(), o.json));
    });
  builds
    .command('activate')
    .description('make a complete build the one every server serves; pinned unless --no-pin, so finished rebuilds leave it serving')
    .argument('<id>', 'build id', int('id'))
    .option('--no-pin', 'let the next finished rebuild take over')
    .option('--json', 'print JSON')
    .action(async (id: number, o: { pin: boolean; json?: boolean }) => {
      await withIndexService(async (service) => print(await service.activate(id, { pin: o.pin, load: false }), o.json));
    });
  builds
    .command('unpin')
    .description('let the next finished rebuild become active again')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withIndexService(async (service) => print(await service.unpin(), o.json));
    });
  builds
    .command('keep')
    .description('keep the newest N complete builds (the active one always stays) and delete older builds now')
    .argument('<n>', 'number of complete builds to keep', int('n'))
    .option('--json', 'print JSON')
    .action(async (n: number, o: { json?: boolean }) => {
      await withIndexService(async (service) => print(await service.setKeepBuilds(n), o.json));
    });
}

function print(list: BuildList, json?: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(list) + '\n');
    return;
  }
  if (list.builds.length === 0) console.log('no index builds yet: run `painter index`');
  for (const b of list.builds) {
    const mark = b.active ? (b.pinned ? '* pinned' : '* active') : '';
    console.log(`${b.id}\t${b.status}\t${b.store}\tmodel v${b.modelVersion}\t${b.elementCount ?? '-'} paintings\t${b.createdAt}\t${mark}`);
  }
  console.log(`keeping the newest ${list.keepBuilds} complete build(s)`);
}
