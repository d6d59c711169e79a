/**
 * A running server leaves `server.json` (its pid and URL) in its data directory, so that a
 * command knows when the embedded database is held by another process: PGlite must be opened by
 * one process at a time. `painter backup` then asks that server for the backup instead.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SERVER_LOCK = 'server.json';

export interface ServerLock {
  pid: number;
  url: string;
  database: 'embedded' | 'postgres';
  startedAt: string;
}

export async function writeServerLock(dataDir: string, lock: ServerLock): Promise<() => Promise<void>> {
  const path = join(dataDir, SERVER_LOCK);
  await writeFile(path, JSON.stringify(lock) + '\n');
  return async () => {
    // Only our own: a later server on the same directory may have replaced it.
    const current = await readServerLock(dataDir, { alive: false });
    if (current?.pid === lock.pid) await rm(path, { force: true });
  };
}

/** The lock of a server that is still running (by default), or null. */
export async function readServerLock(dataDir: string, options: { alive?: boolean } = {}): Promise<ServerLock | null> {
  let lock: ServerLock;
  try {
    lock = JSON.parse(await readFile(join(dataDir, SERVER_LOCK), 'utf8')) as ServerLock;
  } catch {
    return null;
  }
  if (!Number.isInteger(lock.pid) || typeof lock.url !== 'string') return null;
  if ((options.alive ?? true) && !processAlive(lock.pid)) return null;
  return lock;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
