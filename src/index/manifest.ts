/** The files of a saved index and the manifest that describes and checksums them. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PainterError } from '../errors.js';

export const INDEX_FILE = 'index.hnsw';
export const MANIFEST_FILE = 'manifest.json';
export const FORMAT_VERSION = 1;

const uint = z.number().int().nonnegative();
const positive = z.number().int().positive();

const manifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  space: z.literal('l2'),
  dim: positive,
  params: z.object({ M: positive, efConstruction: positive, ef: positive }),
  seed: uint,
  /** Live elements; the file also holds the slots of `deletedLabels`. */
  elementCount: uint,
  /** hnswlib keeps delete marks in the file but cannot list them, so they are recorded here. */
  deletedLabels: z.array(uint),
  /** sha256 (hex) of index.hnsw. */
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: uint,
  createdAt: z.string(),
});

export type IndexManifest = z.infer<typeof manifestSchema>;

export function indexCorrupt(dir: string, file: string, problem: string, details: Record<string, unknown> = {}): PainterError {
  return new PainterError('INDEX_CORRUPT', `${join(dir, file)}: ${problem}`, { dir, file, ...details });
}

export async function readManifest(dir: string): Promise<IndexManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw indexCorrupt(dir, MANIFEST_FILE, code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw indexCorrupt(dir, MANIFEST_FILE, 'is not valid JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw indexCorrupt(dir, MANIFEST_FILE, `invalid field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
