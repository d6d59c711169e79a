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

/** Defaults as information_schema shows them, except the two Prisma functions. */
interface Column { name: string; type: string; nullable: boolean; default: string | null }
interface ForeignKey { column: string; table: string; onDelete: string }
/** A unique index with a WHERE clause (preview feature `partialIndexes`), named explicitly. */
interface PartialUnique { name: string; columns: string[]; where: string }
interface Table { name: string; columns: Column[]; unique: string[][]; partialUnique: PartialUnique[]; indexes: string[][]; foreignKeys: ForeignKey[] }

const SQL_TYPES: Record<string, string> = {
  Int: 'integer',
  String: 'text',
  Float: 'double precision',
  Json: 'jsonb',
  DateTime: 'timestamp without time zone',
  Boolean: 'boolean',
  Bytes: 'bytea',
};

/** How PostgreSQL reports a literal column default. */
function literalDefault(attrs: string): string | null {
  const m = /@default\(("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)\)/.exec(attrs);
  if (!m) return null;
  return m[1].startsWith('"') ? `'${m[1].slice(1, -1).replace(/'/g, "''")}'::text` : m[1];
}

/** Just enough of the Prisma schema language for this schema. */
function parseSchema(text: string): Table[] {
  const blocks = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const tableOf = new Map<string, string>();
  for (const [, model, body] of blocks) tableOf.set(model, /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model);
  return blocks.map(([, model, body]) => {
    const table: Table = { name: tableOf.get(model)!, columns: [], unique: [], partialUnique: [], indexes: [], foreignKeys: [] };
    const partial: { fields: string[]; name: string; where: string }[] = [];
    const columnOf = new Map<string, string>();
    const relations: { fields: string[]; model: string; onDelete?: string; optional: boolean }[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      const list = (s: string) => s.split(',').map((f) => f.trim());
      let m: RegExpExecArray | null;
      if ((m = /^@@unique\(\[([^\]]+)\].*\bwhere: raw\("(.*)"\)/.exec(line))) {
        const name = /\bmap: "([^"]+)"/.exec(line)?.[1];
        if (!name) throw new Error(`give the partial index on ${m[1]} a name (map:) so the migration can match it`);
        partial.push({ fields: list(m[1]), name, where: m[2] });
        continue;
      }
      if ((m = /^@@unique\(\[([^\]]+)\]/.exec(line))) { table.unique.push(list(m[1])); continue; }
      if ((m = /^@@index\(\[([^\]]+)\]/.exec(line))) { table.indexes.push(list(m[1])); continue; }
      if (line.startsWith('@@')) continue;
      const [, name, type, mod, attrs] = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line)!;
      if (tableOf.has(type)) {
        const rel = /@relation\((?:"\w+", )?fields: \[([^\]]+)\][^)]*?(?:onDelete: (\w+))?\)/.exec(attrs);
        if (rel) relations.push({ fields: list(rel[1]), model: type, onDelete: rel[2], optional: mod === '?' });
        continue;
      }
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? name;
      columnOf.set(name, column);
      table.columns.push({
        name: column,
        type: SQL_TYPES[type],
        nullable: mod === '?',
        default: attrs.includes('@default(autoincrement())') ? 'autoincrement' : attrs.includes('@default(now())') ? 'now' : literalDefault(attrs),
      });
      if (attrs.includes('@unique')) table.unique.push([name]);
    }
    const cols = (fields: string[]) => fields.map((f) => columnOf.get(f)!);
    table.unique = table.unique.map(cols);
    table.indexes = table.indexes.map(cols);
    table.partialUnique = partial.map((p) => ({ name: p.name, columns: cols(p.fields), where: p.where }));
    table.foreignKeys = relations.map((r) => ({
      column: cols(r.fields)[0],
      table: tableOf.get(r.model)!,
      onDelete: (r.onDelete ?? (r.optional ? 'SetNull' : 'Restrict')).replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase(),
    }));
    return table;
  });
}

/**
 * PostgreSQL prints `status IN ('a', 'b')` back as `(status = ANY (ARRAY['a'::text, 'b'::text]))`;
 * both are reduced to `status IN (a, b)`. Only that form is supported, which is all the schema uses.
 */
function normalisePredicate(predicate: string): string {
  const stored = /^\((\w+) = ANY \(ARRAY\[(.*)\]\)\)$/.exec(predicate.trim());
  const written = /^(\w+) IN \((.*)\)$/i.exec(predicate.trim());
  const m = stored ?? written;
  if (!m) throw new Error(`unsupported partial index predicate: ${predicate}`);
  const values = [...m[2].matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]);
  return `${m[1]} IN (${values.join(', ')})`;
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
      expect(SCHEMA.map((t) => t.name)).toEqual([
        'datasets', 'artists', 'paintings', 'skipped_files', 'model_versions', 'training_epochs', 'evaluations', 'index_builds', 'jobs', 'index_alias', 'index_changes',
      ]);
      expect(SCHEMA.find((t) => t.name === 'paintings')!.unique).toEqual([['dataset_id', 'sha256'], ['dataset_id', 'rel_path']]);
      expect(SCHEMA.find((t) => t.name === 'paintings')!.columns.find((c) => c.name === 'source')!.default).toBe("'import'::text");
      expect(SCHEMA.find((t) => t.name === 'jobs')!.partialUnique).toEqual([
        { name: 'jobs_one_active_per_kind', columns: ['kind'], where: "status IN ('queued', 'running')" },
      ]);
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

      it(`${table.name}: primary key, unique, partial unique and plain indexes with Prisma's names`, async () => {
        const rows = await session.sql.query<{ indexname: string; indexdef: string; predicate: string | null }>(
          `SELECT i.indexname, i.indexdef, pg_get_expr(x.indpred, x.indrelid) AS predicate
           FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
           JOIN pg_index x ON x.indexrelid = c.oid
           WHERE i.schemaname = current_schema() AND i.tablename = $1`,
          [table.name],
        );
        const actual = rows
          .map((r) => {
            const cols = /USING \w+ \(([^)]+)\)/.exec(r.indexdef)![1].split(',').map((c) => c.trim().replace(/"/g, ''));
            const where = r.predicate === null ? '' : ` WHERE ${normalisePredicate(r.predicate)}`;
            return `${r.indexname} ${r.indexdef.startsWith('CREATE UNIQUE') ? 'unique' : 'index'} (${cols.join(', ')})${where}`;
          })
          .sort();
        const expected = [
          `${table.name}_pkey unique (id)`,
          ...table.unique.map((c) => `${table.name}_${c.join('_')}_key unique (${c.join(', ')})`),
          ...table.partialUnique.map((p) => `${p.name} unique (${p.columns.join(', ')}) WHERE ${normalisePredicate(p.where)}`),
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
