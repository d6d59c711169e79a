/**
 * Which index builds retention deletes: complete builds beyond the newest `keep`, and failed
 * builds older than the oldest kept one. The active build is never deleted, whatever its age
 * (a pinned rollback target stays as long as it is active). Builds still 'building' are left
 * to their builder.
 */
import type { IndexAlias, IndexBuildStatus } from '../db/types.js';

export function buildsToRetire(builds: readonly { id: number; status: IndexBuildStatus }[], alias: Pick<IndexAlias, 'buildId'>, keep: number): number[] {
  const newestFirst = [...builds].sort((a, b) => b.id - a.id);
  const kept = new Set(newestFirst.filter((b) => b.status === 'complete').slice(0, Math.max(1, keep)).map((b) => b.id));
  if (alias.buildId !== null) kept.add(alias.buildId);
  const oldestKept = kept.size ? Math.min(...kept) : Infinity;
  return newestFirst
    .filter((b) => !kept.has(b.id) && (b.status === 'complete' || (b.status === 'failed' && b.id < oldestKept)))
    .map((b) => b.id)
    .sort((a, b) => a - b);
}
