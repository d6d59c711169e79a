/**
 * The pgvector store: a build is a table of its own in the metadata PostgreSQL,
 * `<schema>_vectors.build_<id>` (or `painter_vectors.build_<id>` for the public schema), with the
 * painting's filter fields and cohort radius beside its embedding and an HNSW index on it (an
 * unlabelled painting has no artist_id). Every replica queries the
 * same table, so live changes are seen by all at once and replicas hold no vectors.
 *
 * pgvector's HNSW index takes `vector` up to 2,000 dimensions, so embeddings are stored as
 * `halfvec` (IEEE half precision, up to 4,000) and indexed with `halfvec_l2_ops`: half the bytes,
 * at a distance error measured in `npm run bench -- --only vector-store` (README, Scale-out).
 *
 * Queries set `hnsw.ef_search` with SET LOCAL in their own transaction. A filtered query turns on
 * pgvector 0.8's iterative index scan, which keeps walking the graph until enough rows pass the
 * filter; when even that returns fewer than k rows while more match (a very selective filter),
 * the query is answered exactly by a sequential scan of the matching rows instead.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { IndexBuild } from '../db/types.js';
import { PainterError } from '../errors.js';
import { checkK, checkVector, invalid } from '../index/checks.js';
import { normaliseStyle, type StoredVector, type BuildVectors, type IndexEntry, type VectorFilter, type VectorHit, type VectorStore, type WriteRequest, type WrittenBuild } from './types.js';

/** pgvector caps hnsw.ef_search at 1000. */
const MAX_EF_SEARCH = 1000;
/** Rows per INSERT while writing a build. */
const INSERT_BATCH = 100;
/** Memory for building the HNSW graph in one pass (pgvector falls back to a slower on-disk build beyond it). */
const BUILD_MEMORY = '2GB';
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface PgvectorStoreOptions {
  /** Vector tables go here; default `<current schema>_vectors` (`painter_vectors` for public). */
  schema?: string;
}

/** Where the `vector` extension and the vector tables live, resolved once by `ensureReady`. */
interface Names {
  /** Quoted schema of the extension, for types and operators. */
  ext: string;
  /** Quoted schema of the vector tables. */
  tables: string;
}

/** The schema holding the vector tables of the metadata in `schema`. */
export function vectorTablesSchema(schema: string): string {
  return schema === 'public' ? 'painter_vectors' : `${schema}_vectors`;
}

export class PgvectorStore implements VectorStore {
  readonly kind = 'pgvector' as const;
  private ready: Promise<Names> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgvectorStoreOptions = {},
  ) {}

  /**
   * Creates the extension (when missing and allowed) and the schema of the vector tables.
   * VECTOR_EXTENSION_MISSING when PostgreSQL has no pgvector to create it from.
   */
  ensureReady(): Promise<Names> {
    this.ready ??= this.prepare();
    this.ready.catch(() => (this.ready = null));
    return this.ready;
  }

  location(buildId: number): string {
    return `build_${buildId}`;
  }

  async write(build: IndexBuild, request: WriteRequest): Promise<WrittenBuild> {
    const names = await this.ensureReady();
    const { vectors, entries, signal } = request;
    const dim = build.dim;
    if (vectors.length !== entries.length * dim) throw invalid(`${vectors.length} values do not make ${entries.length} rows of dimension ${dim}`);
    const table = this.table(names, build.dir);
    const started = performance.now();
    const client = await this.pool.connect();
    const hash = createHash('sha256');
    let released = false;
    const onAbort = () => void this.pool.query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]).catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(
        `CREATE TABLE ${table} (painting_id integer PRIMARY KEY, artist_id integer, split text NOT NULL, style text, radius real, embedding ${names.ext}.halfvec(${dim}) NOT NULL)`,
      );
      const total = entries.length;
      for (let start = 0; start < total; start += INSERT_BATCH) {
        signal?.throwIfAborted();
        const end = Math.min(total, start + INSERT_BATCH);
        const params: unknown[] = [];
        const rows: string[] = [];
        for (let i = start; i < end; i++) {
          const e = entries[i];
          const v = vectors.subarray(i * dim, (i + 1) * dim);
          checkVector(v, dim);
          hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
          const n = params.push(e.id, e.artistId, e.split, normaliseStyle(e.style), e.radius ?? null, literal(v));
          rows.push(`($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::${names.ext}.halfvec)`);
        }
        await client.query(`INSERT INTO ${table} (painting_id, artist_id, split, style, radius, embedding) VALUES ${rows.join(', ')}`, params);
        request.onProgress?.(end, total + total);
      }
      signal?.throwIfAborted();
      const { M, efConstruction } = build.params;
      await client.query(`SET maintenance_work_mem = '${BUILD_MEMORY}'`);
      const progress = this.watchIndexBuild(client, total, request.onProgress);
      try {
        await client.query(`CREATE INDEX ON ${table} USING hnsw (embedding ${names.ext}.halfvec_l2_ops) WITH (m = ${int(M)}, ef_construction = ${int(efConstruction)})`);
      } finally {
        progress.stop();
      }
      await client.query(`RESET maintenance_work_mem`);
      await client.query(`ANALYZE ${table}`);
      const size = await client.query<{ bytes: string }>(`SELECT pg_total_relation_size($1::regclass) AS bytes`, [this.regclass(names, build.dir)]);
      request.onProgress?.(total + total, total + total);
      return { elementCount: total, seconds: (performance.now() - started) / 1000, checksum: hash.digest('hex'), bytes: Number(size.rows[0].bytes) };
    } catch (e) {
      client.release(true);
      released = true;
      await this.pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!released) client.release();
    }
  }

  async open(build: IndexBuild): Promise<BuildVectors> {
    const names = await this.ensureReady();
    const table = this.table(names, build.dir);
    let count: number;
    try {
      // The build row's count is kept with every change; a scan only while it is still being written.
      const known = build.elementCount ?? null;
      const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}${known !== null ? ' LIMIT 0' : ''}`);
      count = known ?? Number(r.rows[0].n);
      await this.upgrade(table, names, build.dir);
    } catch (e) {
      if ((e as { code?: string }).code === '42P01') {
        throw new PainterError('INDEX_CORRUPT', `Index ${build.id}: its vector table ${table} is missing`, { id: build.id, table: build.dir });
      }
      throw e;
    }
    return new PgvectorBuildVectors(this.pool, build.id, build.dim, build.params.ef, table, names.ext, count);
  }

  async drop(build: Pick<IndexBuild, 'dir'>): Promise<void> {
    if (!build.dir || !IDENT.test(build.dir)) return;
    const names = await this.ensureReady();
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table(names, build.dir)}`);
  }

  /** Names of the vector tables present (retention and tests). */
  async tables(): Promise<string[]> {
    const names = await this.ensureReady();
    const r = await this.pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [unquote(names.tables)]);
    return r.rows.map((x) => x.t);
  }

  /**
   * Tables written before unlabelled paintings and stored radii: artist_id becomes nullable and
   * a radius column (null: served without cohort normalisation) is added. Idempotent.
   */
  private async upgrade(table: string, names: Names, dir: string): Promise<void> {
    const r = await this.pool.query<{ column_name: string; is_nullable: string }>(
      `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name IN ('artist_id', 'radius')`,
      [unquote(names.tables), dir],
    );
    const cols = new Map(r.rows.map((x) => [x.column_name, x.is_nullable]));
    if (!cols.has('radius')) await this.pool.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS radius real`);
    if (cols.get('artist_id') === 'NO') await this.pool.query(`ALTER TABLE ${table} ALTER COLUMN artist_id DROP NOT NULL`);
  }

  private table(names: Names, dir: string): string {
    if (!IDENT.test(dir)) throw new PainterError('INDEX_CORRUPT', `Not a vector table name: ${JSON.stringify(dir)}`);
    return `${names.tables}."${dir}"`;
  }

  private regclass(names: Names, dir: string): string {
    return `${names.tables}."${dir}"`;
  }

  private async prepare(): Promise<Names> {
    let ext = await extensionSchema(this.pool);
    if (ext === null) {
      try {
        // Into public, so schemas that come and go (tests) never take the extension with them.
        await this.pool.query('CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public');
      } catch (e) {
        const code = (e as { code?: string }).code;
        // Two processes creating it at once: one wins, the other sees it.
        if (code !== '23505' && code !== '42710') {
          throw new PainterError(
            'VECTOR_EXTENSION_MISSING',
            `PAINTER_VECTOR_STORE=pgvector but PostgreSQL cannot create the vector extension (${(e as Error).message}); install pgvector 0.8 or later (see the README) or use PAINTER_VECTOR_STORE=hnswlib`,
            { cause: (e as Error).message },
            { cause: e },
          );
        }
      }
      ext = await extensionSchema(this.pool);
      if (ext === null) throw new PainterError('VECTOR_EXTENSION_MISSING', 'The vector extension could not be created');
    }
    const version = await this.pool.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
    const [major, minor] = version.rows[0].v.split('.').map(Number);
    if (major === 0 && minor < 8) {
      throw new PainterError('VECTOR_EXTENSION_MISSING', `pgvector ${version.rows[0].v} is installed; filtered search needs 0.8 or later (ALTER EXTENSION vector UPDATE)`);
    }
    let schema = this.options.schema;
    if (!schema) schema = vectorTablesSchema((await this.pool.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s);
    if (!IDENT.test(schema)) throw new PainterError('CONFIG_INVALID', `Unsupported schema name for vector tables: ${schema}`);
    const tables = `"${schema}"`;
    try {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${tables}`);
    } catch (e) {
      if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P06') throw e;
    }
    return { ext: `"${ext}"`, tables };
  }

  /** Reports CREATE INDEX progress (pg_stat_progress_create_index) as the second half of the bar. */
  private watchIndexBuild(client: pg.PoolClient, total: number, onProgress: WriteRequest['onProgress']): { stop(): void } {
    if (!onProgress) return { stop: () => undefined };
    const pid = (client as unknown as { processID: number }).processID;
    const timer = setInterval(() => {
      this.pool
        .query<{ done: string; all: string }>('SELECT tuples_done AS done, tuples_total AS all FROM pg_stat_progress_create_index WHERE pid = $1', [pid])
        .then((r) => {
          const row = r.rows[0];
          if (row && Number(row.all) > 0) onProgress(total + Math.min(total, Number(row.done)), total + total);
        })
        .catch(() => undefined);
    }, 1000);
    return { stop: () => clearInterval(timer) };
  }
}

export class PgvectorBuildVectors implements BuildVectors {
  readonly store = 'pgvector' as const;

  constructor(
    private readonly pool: pg.Pool,
    readonly buildId: number,
    readonly dim: number,
    private readonly ef: number,
    /** Qualified, quoted table name. */
    private readonly table: string,
    /** Quoted schema of the extension. */
    private readonly ext: string,
    private count: number,
  ) {}

  get size(): number {
    return this.count;
  }

  async search(vector: Float32Array, k: number, filter: VectorFilter = {}): Promise<VectorHit[]> {
    checkVector(vector, this.dim, 'Query vector');
    const n = Math.min(checkK(k), this.count);
    if (n === 0) return [];
    const { where, params } = this.predicate(filter, 2);
    const sql =
      `SELECT painting_id, artist_id, radius, embedding OPERATOR(${this.ext}.<->) $1::${this.ext}.halfvec AS distance FROM ${this.table}` +
      `${where} ORDER BY embedding OPERATOR(${this.ext}.<->) $1::${this.ext}.halfvec LIMIT ${n}`;
    const values = [literal(vector), ...params];
    const filtered = where !== '';
    const approximate = await this.inTransaction(
      `SET LOCAL hnsw.ef_search = ${Math.min(MAX_EF_SEARCH, Math.max(this.ef, n))}` + (filtered ? `; SET LOCAL hnsw.iterative_scan = relaxed_order` : ''),
      sql,
      values,
    );
    if (approximate.length >= n) return approximate;
    // Fewer than asked: either fewer match (the exact scan agrees) or the graph walk gave up early.
    return this.inTransaction('SET LOCAL enable_indexscan = off', sql, values);
  }

  async get(id: number): Promise<StoredVector | null> {
    const r = await this.pool.query<{ artist_id: number | null; radius: number | null; embedding: string }>(
      `SELECT artist_id, radius, embedding::text AS embedding FROM ${this.table} WHERE painting_id = $1`,
      [id],
    );
    const row = r.rows[0];
    return row ? { vector: parseLiteral(row.embedding, this.dim), artistId: row.artist_id, radius: row.radius } : null;
  }

  async ids(): Promise<number[]> {
    const r = await this.pool.query<{ painting_id: number }>(`SELECT painting_id FROM ${this.table} ORDER BY painting_id`);
    return r.rows.map((x) => x.painting_id);
  }

  async vectors(ids: readonly number[]): Promise<Float32Array> {
    const out = new Float32Array(ids.length * this.dim);
    if (ids.length === 0) return out;
    const r = await this.pool.query<{ painting_id: number; embedding: string }>(
      `SELECT painting_id, embedding::text AS embedding FROM ${this.table} WHERE painting_id = ANY($1::int[])`,
      [ids],
    );
    const at = new Map(ids.map((id, i) => [id, i]));
    for (const row of r.rows) out.set(parseLiteral(row.embedding, this.dim), at.get(row.painting_id)! * this.dim);
    if (r.rows.length !== new Set(ids).size) throw invalid(`Some of the ${ids.length} paintings are not in index ${this.buildId}`);
    return out;
  }

  /** The row and the build's element count change in one transaction, so every replica's count agrees. */
  async add(entry: IndexEntry, vector: Float32Array): Promise<boolean> {
    checkVector(vector, this.dim);
    const inserted = await this.write(async (client) => {
      const r = await client.query<{ inserted: boolean }>(
        `INSERT INTO ${this.table} (painting_id, artist_id, split, style, radius, embedding) VALUES ($1, $2, $3, $4, $5, $6::${this.ext}.halfvec)
         ON CONFLICT (painting_id) DO UPDATE SET artist_id = EXCLUDED.artist_id, split = EXCLUDED.split, style = EXCLUDED.style, radius = EXCLUDED.radius, embedding = EXCLUDED.embedding
         RETURNING (xmax = 0) AS inserted`,
        [entry.id, entry.artistId, entry.split, normaliseStyle(entry.style), entry.radius ?? null, literal(vector)],
      );
      const isNew = Boolean(r.rows[0]?.inserted);
      if (isNew) await client.query('UPDATE index_builds SET element_count = element_count + 1 WHERE id = $1', [this.buildId]);
      return isNew;
    });
    if (inserted) this.count++;
    return inserted;
  }

  async remove(id: number): Promise<boolean> {
    const removed = await this.write(async (client) => {
      const r = await client.query(`DELETE FROM ${this.table} WHERE painting_id = $1`, [id]);
      const gone = (r.rowCount ?? 0) > 0;
      if (gone) await client.query('UPDATE index_builds SET element_count = element_count - 1 WHERE id = $1', [this.buildId]);
      return gone;
    });
    if (removed) this.count--;
    return removed;
  }

  private async write<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * Vectors are never held here; only the count is refreshed, from the build row that every
   * writer keeps current (a count(*) over millions of rows would cost every poll a scan).
   */
  async refresh(): Promise<void> {
    const r = await this.pool.query<{ n: number | null }>(`SELECT element_count AS n FROM index_builds WHERE id = $1`, [this.buildId]);
    const n = r.rows[0]?.n;
    if (n !== null && n !== undefined) this.count = n;
  }

  close(): void {}

  private predicate(filter: VectorFilter, firstParam: number): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const next = (v: unknown) => `$${firstParam + params.push(v) - 1}`;
    if (filter.excludeId != null) clauses.push(`painting_id <> ${next(filter.excludeId)}`);
    if (filter.splits?.length) clauses.push(`split = ANY(${next([...filter.splits])}::text[])`);
    const style = normaliseStyle(filter.style);
    if (style !== null) clauses.push(`style = ${next(style)}`);
    // IS DISTINCT FROM, not <>: leaving one artist out keeps the unlabelled paintings (null artist).
    if (filter.excludeArtistId != null) clauses.push(`artist_id IS DISTINCT FROM ${next(filter.excludeArtistId)}`);
    if (filter.labelledOnly) clauses.push('artist_id IS NOT NULL');
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** `settings` (trusted SQL) apply to this query only: SET LOCAL inside its own transaction. */
  private async inTransaction(settings: string, sql: string, values: unknown[]): Promise<VectorHit[]> {
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN; ${settings}`);
      const r = await client.query<{ painting_id: number; artist_id: number | null; radius: number | null; distance: number }>(sql, values);
      await client.query('COMMIT');
      // A relaxed-order iterative scan may return a few rows slightly out of order.
      return r.rows.map((x) => ({ label: x.painting_id, artistId: x.artist_id, radius: x.radius, distance: x.distance })).sort((a, b) => a.distance - b.distance || a.label - b.label);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code === '42P01') {
        throw new PainterError('INDEX_NOT_READY', `Index ${this.buildId} was removed while it was being queried; retry`, { id: this.buildId });
      }
      throw e;
    } finally {
      client.release();
    }
  }
}

async function extensionSchema(pool: pg.Pool): Promise<string | null> {
  const r = await pool.query<{ s: string }>(`SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`);
  return r.rows[0]?.s ?? null;
}

/** pgvector's text form, '[0.1,0.2,…]'; 7 significant digits carry a float32 exactly enough for half precision. */
export function literal(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (Number.isInteger(v[i]) ? String(v[i]) : v[i].toPrecision(7));
  return s + ']';
}

export function parseLiteral(text: string, dim: number): Float32Array {
  const parts = text.slice(1, -1).split(',');
  if (parts.length !== dim) throw new PainterError('INDEX_CORRUPT', `A stored vector has ${parts.length} values, expected ${dim}`);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = Number(parts[i]);
  return out;
}

function int(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw invalid(`Expected a positive integer, got ${n}`);
  return n;
}

function unquote(name: string): string {
  return name.replace(/^"|"$/g, '');
}
