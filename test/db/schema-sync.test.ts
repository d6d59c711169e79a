/**
 * The migrations are written by hand (no schema engine here), so this checks that applying them
 * yields exactly the tables, columns, keys, indexes and foreign keys that Prisma derives from
 * prisma/schema.prisma, with Prisma's naming; otherwise `prisma migrate` would see drift.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openRawSession, TARGETS, type RawSession } from './helpers.js';

interface Column { name: string; type: string; nullable: boolean; default: 'autoincrement' | 'now' | null }
interface ForeignKey { column: string; table: string; onDelete: string }
interface Table { name: string; columns: Column[]; unique: string[][]; indexes: string[][]; foreignKeys: ForeignKey[] }

const SQL_TYPES: Record<string, string> = {
  Int: 'integer',
  String: 'text',
  Float: 'double precision',
  Json: 'jsonb',
  DateTime: 'timestamp without time zone',
  Boolean: 'boolean',
};

/** Just enough of the Prisma schema language for this schema. */
function parseSchema(text: string): Table[] {
  const blocks = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const tableOf = new Map<string, string>();
  for (const [, model, body] of blocks) tableOf.set(model, /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model);
  return blocks.map(([, model, body]) => {
    const table: Table = { name: tableOf.get(model)!, columns: [], unique: [], indexes: [], foreignKeys: [] };
    const columnOf = new Map<string, string>();
    const relations: { fields: string[]; model: string; onDelete?: string; optional: boolean }[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      const list = (s: string) => s.split(',').map((f) => f.trim());
      let m: RegExpExecArray | null;
      if ((m = /^@@unique\(\[([^\]]+)\]/.exec(line))) { table.unique.push(list(m[1])); continue; }
      if ((m = /^@@index\(\[([^\]]+)\]/.exec(line))) { table.indexes.push(list(m[1])); continue; }
      if (line.startsWith('@@')) continue;
      const [, name, type, mod, attrs] = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line)!;
      if (tableOf.has(type)) {
        const rel = /@relation\(fields: \[([^\]]+)\][^)]*?(?:onDelete: (\w+))?\)/.exec(attrs);
        if (rel) relations.push({ fields: list(rel[1]), model: type, onDelete: rel[2], optional: mod === '?' });
        continue;
      }
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? name;
      columnOf.set(name, column);
      table.columns.push({
        name: column,
        type: SQL_TYPES[type],
        nullable: mod === '?',
        default: attrs.includes('@default(autoincrement())') ? 'autoincrement' : attrs.includes('@default(now())') ? 'now' : null,
      });
      if (attrs.includes('@unique')) table.unique.push([name]);
    }
    const cols = (fields: string[]) => fields.map((f) => columnOf.get(f)!);
    table.unique = table.unique.map(cols);
    table.indexes = table.indexes.map(cols);
    table.foreignKeys = relations.map((r) => ({
      column: cols(r.fields)[0],
      table: tableOf.get(r.model)!,
      onDelete: (r.onDelete ?? (r.optional ? 'SetNull' : 'Restrict')).replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase(),
    }));
    return table;
  });
}

const SCHEMA = parseSchema(readFileSync(fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url)), 'utf8'));

for (const target of TARGETS) {
  describe.runIf(target.enabled)(`migrations match prisma/schema.prisma on ${target.name}`, () => {
    let session: RawSession;
    beforeAll(async () => {
      session = await openRawSession(target.name);
      await migrate(session.sql, { schema: target.name === 'postgres' ? session.schema : undefined });
    });
    afterAll(async () => {
      await session?.close();
    });

    it('parses the schema (sanity check of this test)', () => {
      expect(SCHEMA.map((t) => t.name)).toEqual(['datasets', 'artists', 'paintings', 'skipped_files', 'model_versions', 'training_epochs', 'evaluations']);
      expect(SCHEMA.find((t) => t.name === 'paintings')!.unique).toEqual([['dataset_id', 'sha256'], ['dataset_id', 'rel_path']]);
    });

    it('creates exactly the modelled tables', async () => {
      const rows = await session.sql.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
      );
      expect(rows.map((r) => r.table_name).sort()).toEqual(SCHEMA.map((t) => t.name).sort());
    });

    for (const table of SCHEMA) {
      it(`${table.name}: columns, types, nullability and defaults`, async () => {
        const rows = await session.sql.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null; datetime_precision: number | null }>(
          `SELECT column_name, data_type, is_nullable, column_default, datetime_precision FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table.name],
        );
        expect(rows.map((r) => ({
          name: r.column_name,
          type: r.data_type,
          nullable: r.is_nullable === 'YES',
          default: r.column_default === null ? null : r.column_default.startsWith('nextval(') ? 'autoincrement' : r.column_default === 'CURRENT_TIMESTAMP' ? 'now' : r.column_default,
        }))).toEqual(table.columns);
        for (const r of rows) if (r.data_type.startsWith('timestamp')) expect(r.datetime_precision).toBe(3);
      });

      it(`${table.name}: primary key, unique and plain indexes with Prisma's names`, async () => {
        const rows = await session.sql.query<{ indexname: string; indexdef: string }>(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
          [table.name],
        );
        const actual = rows
          .map((r) => {
            const cols = /\(([^)]+)\)$/.exec(r.indexdef)![1].split(',').map((c) => c.trim().replace(/"/g, ''));
            return `${r.indexname} ${r.indexdef.startsWith('CREATE UNIQUE') ? 'unique' : 'index'} (${cols.join(', ')})`;
          })
          .sort();
        const expected = [
          `${table.name}_pkey unique (id)`,
          ...table.unique.map((c) => `${table.name}_${c.join('_')}_key unique (${c.join(', ')})`),
          ...table.indexes.map((c) => `${table.name}_${c.join('_')}_idx index (${c.join(', ')})`),
        ].sort();
        expect(actual).toEqual(expected);
      });

      it(`${table.name}: foreign keys with Prisma's names and referential actions`, async () => {
        const rows = await session.sql.query<{ conname: string; def: string }>(
          `SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
           JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE c.contype::text = 'f' AND n.nspname = current_schema() AND t.relname = $1`,
          [table.name],
        );
        const actual = rows.map((r) => `${r.conname}: ${r.def.replace(/\S+\.(\w+)\(/, '$1(')}`).sort();
        const expected = table.foreignKeys
          .map((fk) => `${table.name}_${fk.column}_fkey: FOREIGN KEY (${fk.column}) REFERENCES ${fk.table}(id) ON UPDATE CASCADE ON DELETE ${fk.onDelete}`)
          .sort();
        expect(actual).toEqual(expected);
      });
    }
  });
}
