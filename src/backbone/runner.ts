/**
 * What a feature runner does: featurize batches of image files as one view each, reporting the
 * row layout before its first result. Two runners exist: ONNX Runtime sessions on every core (the
 * default) and tfjs-wasm worker threads (the fallback where ONNX Runtime is unavailable).
 */
import type { FeatureBlock } from './style-features.js';
import type { ViewSpec } from './views.js';

export interface FeatureLayout {
  dim: number;
  blocks: FeatureBlock[];
}

export interface FeatureTask {
  id: number;
  paths: string[];
  view: ViewSpec;
}

export interface FeatureTaskResult {
  /** paths.length × dim; rows of images that failed to decode are NaN. */
  rows: Float32Array;
  failures: { index: number; message: string }[];
}

/** Handles one result; false stops the run (remaining tasks are dropped). */
export type ResultHandler = (task: FeatureTask, result: FeatureTaskResult) => Promise<boolean>;

export interface FeatureRunner {
  /** Runs every task, calling onReady once before the first result. */
  run(tasks: FeatureTask[], onReady: (layout: FeatureLayout) => void, onResult: ResultHandler): Promise<void>;
}
