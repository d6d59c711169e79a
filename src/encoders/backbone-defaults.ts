import { join } from 'node:path';

/**
 * Feature blocks the pretrained head reads: the pooled MobileNetV2 features and the style
 * statistics (channel means, stds, projected Gram matrices) of three intermediate layers, each
 * block L2-normalised so that the head, not the blocks' scales, decides what matters.
 */
export const DEFAULT_FEATURE_BLOCKS: string[] = [
  'pooled',
  ...['block_3', 'block_6', 'block_13'].flatMap((b) => [`${b}.mean`, `${b}.std`, `${b}.gram`]),
];

/** One feature cache for every dataset: rows are keyed by the backbone, the view and the image's content hash. */
export function backboneCacheDir(cacheDir: string): string {
  return join(cacheDir, 'backbone');
}
