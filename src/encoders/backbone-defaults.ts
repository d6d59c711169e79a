import { join } from 'node:path';

/** Feature blocks the pretrained head reads (chosen by held-out AUC on WikiArt artists). */
export const DEFAULT_FEATURE_BLOCKS: string[] = ['pooled'];

/** One feature cache for every dataset: rows are keyed by the image's content hash. */
export function backboneCacheFile(cacheDir: string): string {
  return join(cacheDir, 'backbone-features.bin');
}
