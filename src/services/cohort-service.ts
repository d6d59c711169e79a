/**
 * A model's cohort where it is needed before any index build or evaluation made one (pair scoring
 * of a freshly trained model): the cohort sample of its dataset's training paintings, embedded
 * (through the embedding cache) and stored with the model.
 */
import { join } from 'node:path';
import type { DatasetRepository } from '../db/repositories/dataset-repository.js';
import type { ModelVersion } from '../db/types.js';
import { Cohort, COHORT_SEED, cohortPaintings, loadCohort, saveCohort } from '../scoring/cohort.js';
import { DEFAULT_CSLS } from '../scoring/csls.js';
import type { EmbedOutcome } from '../scoring/embed-images.js';

export interface EnsuredCohort {
  cohort: Cohort;
  sha256: string;
  /** Made now (false: read from the model folder). */
  made: boolean;
}

export async function ensureCohort(
  model: ModelVersion,
  datasets: Pick<DatasetRepository, 'findById' | 'listPaintings'>,
  embed: (paths: string[]) => Promise<EmbedOutcome>,
): Promise<EnsuredCohort | null> {
  const stored = await loadCohort(model.dir);
  if (stored) return { cohort: stored.cohort, sha256: stored.manifest.sha256, made: false };
  const dataset = model.datasetId !== null ? await datasets.findById(model.datasetId) : null;
  if (!dataset) return null;
  const members = cohortPaintings(await datasets.listPaintings(dataset.id, 'train'));
  if (members.length === 0) return null;
  const out = await embed(members.map((p) => join(dataset.rootPath, p.relPath)));
  const kept = members.map((p, i) => ({ p, i })).filter(({ i }) => out.ok[i]);
  const vectors = new Float32Array(kept.length * out.dim);
  kept.forEach(({ i }, row) => vectors.set(out.vectors.subarray(i * out.dim, (i + 1) * out.dim), row * out.dim));
  const cohort = new Cohort(vectors, out.dim, kept.map(({ p }) => p.id), DEFAULT_CSLS);
  const manifest = await saveCohort(model.dir, cohort, { modelVersion: model.version, datasetId: dataset.id, seed: COHORT_SEED });
  return { cohort, sha256: manifest.sha256, made: true };
}
