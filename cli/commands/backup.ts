import { cp, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createBackup, restoreBackup } from '../../src/backup/backup.js';
import { readServerLock } from '../../src/backup/server-lock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { PainterError } from '../../src/errors.js';
import type { BackupRecord } from '../../src/shapes/backups.js';

const say = (m: string) => process.stderr.write(`${m}\n`);

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('back up the metadata, the model versions and the serving index into DIR (consistent while the server runs)')
    .argument('<dir>', 'a new or empty folder')
    .option('--sql-rows', 'PostgreSQL: dump rows through the driver even where pg_dump is installed')
    .option('--json', 'print the manifest as JSON')
    .action(async (dir: string, o: { sqlRows?: boolean; json?: boolean }) => {
      const cfg = loadConfig();
      const target = resolve(dir);
      const server = cfg.databaseUrl ? null : await readServerLock(cfg.dataDir);
      if (server) {
        // The embedded database is the running server's: it writes the backup, then it moves here.
        say(`the server (pid ${server.pid}) holds the embedded database: asking it for the backup`);
        const made = await backupThroughServer(cfg, server.url);
        await move(made.dir, target);
        say(`backup written to ${target}: ${made.files} files, ${(made.bytes / 1e6).toFixed(1)} MB (${made.method})`);
        if (o.json) process.stdout.write(JSON.stringify({ ...made, dir: target }) + '\n');
        return;
      }
      const db = await openDatabase(cfg);
      try {
        const { manifest } = await createBackup(cfg, db, target, { sqlRows: o.sqlRows, log: say });
        const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
        say(`backup written to ${target}: ${manifest.files.length} files, ${(bytes / 1e6).toFixed(1)} MB (${manifest.database.method}); models ${manifest.contents.modelVersions.map((v) => `v${v}`).join(', ') || 'none'}, index ${manifest.contents.indexBuild ?? 'none'}`);
        if (o.json) process.stdout.write(JSON.stringify(manifest) + '\n');
      } finally {
        await db.close();
      }
    });

  program
    .command('restore')
    .description('restore a backup into an empty data directory (and database): checksums are verified first')
    .argument('<dir>', 'a folder written by `painter backup`')
    .option('--force', 'replace what the data directory and the database hold')
    .action(async (dir: string, o: { force?: boolean }) => {
      const cfg = loadConfig();
      const server = await readServerLock(cfg.dataDir);
      if (server) throw new PainterError('BACKUP_TARGET_NOT_EMPTY', `A server (pid ${server.pid}, ${server.url}) is running on ${cfg.dataDir}: stop it before restoring`);
      await restoreBackup(cfg, dir, { force: o.force, log: say });
    });
}

async function backupThroughServer(cfg: Config, url: string): Promise<BackupRecord> {
  const key = cfg.adminKeys[0];
  if (!key) throw new PainterError('API_KEY_REQUIRED', 'The running server holds the embedded database; asking it for a backup needs an admin key (PAINTER_ADMIN_KEYS), or stop the server');
  let res: Response;
  try {
    res = await fetch(`${url}/api/backups`, { method: 'POST', headers: { 'x-api-key': key } });
  } catch (e) {
    throw new PainterError('BACKUP_FAILED', `The server at ${url} could not be reached: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as (BackupRecord & { error?: { code: string; message: string } }) | null;
  if (!res.ok || !body || body.error) throw new PainterError('BACKUP_FAILED', `The server refused the backup: ${body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`}`);
  return body;
}

/** A rename where it can, a copy across file systems. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await rm(from, { recursive: true, force: true });
  }
}
