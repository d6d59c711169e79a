import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, parsePostgresUrl } from '../../src/db/client.js';
import { readMigrations } from '../../src/db/migrate.js';
import { PainterError } from '../../src/errors.js';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL, urlWithSchema } from './helpers.js';

const ALL = readMigrations().map((m) => m.name);
const scratch = mkdtempSync(join(tmpdir(), 'painter-db-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function errorOf(p: Promise<unknown>): Promise<PainterError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PainterError);
    return e as PainterError;
  }
  throw new Error('expected a rejection');
}

describe('openDatabase, embedded', () => {
  it('creates the directory, migrates, and keeps the data across reopening', async () => {
    const dir = join(scratch, 'nested', 'pglite');
    const first = await openDatabase({ embeddedDbDir: dir });
    expect(first.kind).toBe('embedded');
    expect(first.migrations.applied).toEqual(ALL);
    await first.prisma.dataset.create({ data: { name: 'x', rootPath: '/x', layout: 'labels-csv', seed: 1, stats: {} } });
    await first.close();
    await first.close();

    const second = await openDatabase({ embeddedDbDir: dir });
    try {
      expect(second.migrations).toEqual({ applied: [], alreadyApplied: ALL, unknown: [] });
      expect(await second.prisma.dataset.findMany({ select: { rootPath: true } })).toEqual([{ rootPath: '/x' }]);
    } finally {
      await second.close();
    }
  });

  it('reports a directory it cannot use as DATABASE_UNAVAILABLE, naming the path', async () => {
    const file = join(scratch, 'not-a-dir');
    writeFileSync(file, 'x');
    const e = await errorOf(openDatabase({ embeddedDbDir: join(file, 'db') }));
    expect(e.code).toBe('DATABASE_UNAVAILABLE');
    expect(e.message).toContain(join(file, 'db'));
  });

  it('lets the process exit once closed', () => {
    const script = join(scratch, 'open-close.mts');
    const client = fileURLToPath(new URL('../../src/db/client.ts', import.meta.url));
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(client)};\n` +
        `const db = await openDatabase({ embeddedDbDir: ${JSON.stringify(join(scratch, 'exit'))} });\n` +
        `await db.prisma.dataset.count();\nawait db.close();\nconsole.log('closed');\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 90_000,
      encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe('closed');
    expect(r.status).toBe(0);
  });
});

describe('openDatabase, PostgreSQL', () => {
  it('reports an unreachable server as DATABASE_UNAVAILABLE, naming host and port', async () => {
    const e = await errorOf(openDatabase({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/painter', embeddedDbDir: '' }));
    expect(e.code).toBe('DATABASE_UNAVAILABLE');
    expect(e.message).toMatch(/127\.0\.0\.1:1\/painter: .*ECONNREFUSED/);
    expect(e.details).toMatchObject({ host: '127.0.0.1', port: 1, database: 'painter' });
  });

  it('takes the schema from the URL as Prisma does', () => {
    expect(parsePostgresUrl('postgresql://u:p@h:5432/db?schema=painter&sslmode=disable')).toEqual({
      connectionString: 'postgresql://u:p@h:5432/db?sslmode=disable',
      schema: 'painter',
    });
    expect(parsePostgresUrl('postgresql://h/db')).toEqual({ connectionString: 'postgresql://h/db' });
    expect(() => parsePostgresUrl('postgresql://h/db?schema=a;drop')).toThrow(PainterError);
  });

  describe.runIf(TEST_DATABASE_URL !== undefined)('against a server', () => {
    it('migrates into the schema named in the URL and works there', async () => {
      const schema = freshSchemaName();
      const db = await openDatabase({ databaseUrl: urlWithSchema(TEST_DATABASE_URL!, schema), embeddedDbDir: '' });
      try {
        expect(db.kind).toBe('postgres');
        expect(db.migrations.applied).toEqual(ALL);
        await db.prisma.dataset.create({ data: { name: 'x', rootPath: '/x', layout: 'labels-csv', seed: 1, stats: {} } });
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          const r = await client.query(`SELECT count(*)::int AS n FROM "${schema}".datasets`);
          expect(r.rows[0].n).toBe(1);
        } finally {
          await client.end();
        }
        const again = await openDatabase({ databaseUrl: urlWithSchema(TEST_DATABASE_URL!, schema), embeddedDbDir: '' });
        expect(again.migrations).toEqual({ applied: [], alreadyApplied: ALL, unknown: [] });
        await again.close();
      } finally {
        await db.close();
        await db.close();
        await dropSchema(schema);
      }
    });
  });
});
