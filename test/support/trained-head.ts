/**
 * A pretrained-preset head trained for a few steps on generated paintings, and the two ways it
 * embeds: tfjs from a cold feature cache (as evaluation does) and its exported ONNX graph on the
 * decoded pixels (as the index and queries do) — for tests that hold an export to tfjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSquareRgb } from '../../src/backbone/decode.js';
import { BASE_VIEW } from '../../src/backbone/views.js';
import { generatePaintingDataset } from '../../src/demo/generate-paintings.js';
import { loadEncoder } from '../../src/encoders/load-encoder.js';
import type { ModelManifest } from '../../src/encoders/model-manifest.js';
import { OnnxSession } from '../../src/onnx/onnx-encoder-runtime.js';
import { importDataset } from '../../src/services/import-service.js';
import type { TrainingOverrides } from '../../training/config.js';
import { trainModel, type TrainResult } from '../../training/train-service.js';
import type { TrainingWorkspace } from './training-workspace.js';

export interface TrainedHead {
  trained: TrainResult;
  manifest: ModelManifest;
  /** A few of the corpus's files. */
  files: string[];
  /** The files' embeddings by tfjs, features computed from a cold cache. */
  tfjs(): Promise<Float32Array>;
  /** The exported graph's embeddings of the files' decoded pixels, or of pixels changed by `edit` first. */
  onnx(edit?: (pixels: Float32Array, count: number, size: number) => Float32Array): Promise<Float32Array>;
}

export async function trainHeadOnGenerated(ws: TrainingWorkspace, artists: number, fixtureSeed: number, overrides: TrainingOverrides): Promise<TrainedHead> {
  const root = join(ws.dir, `paintings-${fixtureSeed}`);
  await generatePaintingDataset(root, { artists, perArtist: 3, size: 64, layout: 'labels-csv', seed: fixtureSeed });
  const imported = await importDataset(ws.repos.datasets, root);
  const trained = await trainModel(ws.cfg, ws.repos, {
    datasetId: imported.datasetId,
    overrides: { preset: 'pretrained', epochs: 1, batchSize: 12, paintingsPerArtist: 2, milestones: [], seed: 3, ...overrides },
    backend: 'wasm',
  });
  const manifest = JSON.parse(readFileSync(join(trained.dir, 'manifest.json'), 'utf8')) as ModelManifest;
  const files = (await ws.repos.datasets.listPaintings(imported.datasetId)).slice(0, 3).map((p) => join(root, p.relPath));
  return {
    trained,
    manifest,
    files,
    tfjs: async () => {
      const encoder = await loadEncoder(trained.dir, { cacheDir: join(ws.dir, `cold-cache-${trained.version}`), workers: 0, inference: { runtime: 'tfjs', decodePool: () => Promise.reject(new Error('unused')) } });
      try {
        return await encoder.embedFiles(files);
      } finally {
        encoder.dispose();
      }
    },
    onnx: async (edit) => {
      const size = BASE_VIEW.size;
      let pixels: Float32Array = new Float32Array(files.length * size * size * 3);
      for (let i = 0; i < files.length; i++) pixels.set((await decodeSquareRgb(files[i], size)).data, i * size * size * 3);
      if (edit) pixels = edit(pixels, files.length, size);
      const session = await OnnxSession.create(readFileSync(join(trained.dir, manifest.onnx!.file)), { threads: 2 });
      try {
        return await session.run(pixels, files.length, size, size);
      } finally {
        await session.release();
      }
    },
  };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`${a.length} values against ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
