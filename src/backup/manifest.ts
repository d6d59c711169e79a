/** What a backup folder holds, and the checks a restore makes before it touches anything. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PainterError } from '../errors.js';

export const MANIFEST = 'manifest.json';
export const BACKUP_FORMAT = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const backupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  database: z.object({
    kind: z.enum(['embedded', 'postgres']),
    /** pglite-dump: PGlite's dumpDataDir tarball; pg_dump: custom format; sql-rows: each table's rows as JSON lines, read through the driver. */
    method: z.enum(['pglite-dump', 'pg_dump', 'sql-rows']),
    /** The PostgreSQL schema the rows came from (pg_dump restores into the same one). */
    schema: z.string().nullable(),
    migrations: z.array(z.string()),
  }),
  /** Where the source kept its files; paths in the rows are moved from these to the target's. */
  roots: z.object({ dataDir: z.string(), modelsDir: z.string() }),
  contents: z.object({ modelVersions: z.array(z.number().int()), indexBuild: z.number().int().nullable(), addedPaintings: z.number().int() }),
  /** Every file of the backup but this manifest, relative to the backup folder. */
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: sha256Hex })),
});
export type BackupManifest = z.infer<typeof backupManifest>;

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readBackupManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new PainterError('BACKUP_INVALID', `${dir} is not a backup: it has no ${MANIFEST}`, { dir });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PainterError('BACKUP_INVALID', `${join(dir, MANIFEST)} is not valid JSON`, { dir });
  }
  const parsed = backupManifest.safeParse(json);
  if (!parsed.success) throw new PainterError('BACKUP_INVALID', `${join(dir, MANIFEST)} is not a backup manifest of this version: ${parsed.error.issues[0]?.message}`, { dir });
  return parsed.data;
}

/** Every file present with its recorded size and checksum, and none outside the folder. */
export async function verifyBackup(dir: string, manifest: BackupManifest): Promise<void> {
  for (const f of manifest.files) {
    if (f.path.startsWith('/') || f.path.split('/').includes('..')) throw new PainterError('BACKUP_INVALID', `The manifest names a file outside the backup: ${f.path}`, { file: f.path });
    const path = join(dir, f.path);
    const size = await stat(path).then((s) => s.size, () => null);
    if (size === null) throw new PainterError('BACKUP_INVALID', `${f.path} is missing from the backup`, { file: f.path });
    if (size !== f.bytes || (await sha256OfFile(path)) !== f.sha256) throw new PainterError('BACKUP_INVALID', `${f.path} does not match its checksum in the manifest: the backup is damaged`, { file: f.path });
  }
}
