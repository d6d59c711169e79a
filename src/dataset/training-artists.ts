/**
 * Which artists a model trains on. `training`: the training split's (the test split's artists are
 * held out, so the test split measures unseen artists). `all`: every labelled artist, the test
 * split's too — for a served model once its configuration has been evaluated on held-out artists;
 * such a model has no held-out test evaluation, and is calibrated by a twin trained the same way
 * on the training artists only. Validation paintings choose the epoch either way.
 */
import { isDeepStrictEqual } from 'node:util';

export const TRAINING_ARTISTS = ['training', 'all'] as const;
export type TrainingArtists = (typeof TRAINING_ARTISTS)[number];

/** The artists a stored training configuration trained on (configurations before the choice: the training split's). */
export function trainingArtistsOf(config: unknown): TrainingArtists {
  return typeof config === 'object' && config !== null && (config as { artists?: unknown }).artists === 'all' ? 'all' : 'training';
}

/**
 * Whether two stored training configurations differ only in the artists they train on: the same
 * command with and without `--all-artists`. Key order does not matter.
 */
export function sameConfigurationBesidesArtists(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(withoutArtists(a), withoutArtists(b));
}

function withoutArtists(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const { artists: _, ...rest } = config as Record<string, unknown>;
  return rest;
}
