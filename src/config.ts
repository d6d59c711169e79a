/**
 * The one place that reads the environment. Everything else receives a Config.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PainterError } from './errors.js';
import { DEFAULT_INDEX_PARAMS, type IndexParams } from './index/types.js';

const EnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  PAINTER_DATA_DIR: z.string().default('data'),
  PAINTER_MODELS_DIR: z.string().optional(),
  PAINTER_BACKEND: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  PAINTER_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Comma-separated keys that may call mutations (jobs, adding or removing paintings). */
  PAINTER_API_KEYS: z.string().optional(),
  PAINTER_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(25),
  PAINTER_GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).default('true'),
  /** Requests per minute per API key or IP address under /api and /graphql (0 = unlimited). */
  PAINTER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  PAINTER_INFERENCE: z.enum(['auto', 'onnx', 'tfjs']).default('auto'),
  PAINTER_INFERENCE_SESSIONS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_INFERENCE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_DECODE_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_MAX_BATCH: z.coerce.number().int().min(1).max(256).default(4),
  PAINTER_BATCH_WINDOW_MS: z.coerce.number().min(0).max(1000).default(4),
  /** Where the vectors of index builds live: hnswlib files under the data directory, or pgvector tables. */
  PAINTER_VECTOR_STORE: z.enum(['hnswlib', 'pgvector']).default('hnswlib'),
  PAINTER_INDEX_M: z.coerce.number().int().min(2).max(2048).default(DEFAULT_INDEX_PARAMS.M),
  PAINTER_INDEX_EF_CONSTRUCTION: z.coerce.number().int().min(4).max(10_000).default(DEFAULT_INDEX_PARAMS.efConstruction),
  PAINTER_INDEX_EF: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_INDEX_PARAMS.ef),
  /** Complete index builds kept (the active one always stays) until an operator sets another number. */
  PAINTER_INDEX_KEEP_BUILDS: z.coerce.number().int().min(1).max(1000).default(3),
  /** How often a replica checks the database for a moved alias or live changes it missed. */
  PAINTER_INDEX_POLL_SECONDS: z.coerce.number().min(0.05).max(3600).default(5),
  /** A job or build not renewed for this long belongs to a replica that is gone. */
  PAINTER_JOB_LEASE_SECONDS: z.coerce.number().min(0.5).max(3600).default(30),
  /** Names this process in job rows (default host:pid:random). */
  PAINTER_REPLICA_ID: z.string().min(1).max(200).optional(),
});

export type InferenceRuntime = 'auto' | 'onnx' | 'tfjs';
export type VectorStoreKind = 'hnswlib' | 'pgvector';

export interface Config {
  /** PostgreSQL connection string; when absent the embedded database under dataDir is used. */
  databaseUrl?: string;
  /** Root for everything the product writes: embedded database, feature caches, checkpoints. */
  dataDir: string;
  /** Versioned encoders live here, one folder per version. */
  modelsDir: string;
  /** Directory of the embedded (PGlite) database, used when databaseUrl is unset. */
  embeddedDbDir: string;
  /** Cached backbone features and other derived, re-computable data. */
  cacheDir: string;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Worker threads for decoding and feature extraction (default: one per core). */
  workers?: number;
  port: number;
  /** Keys accepted for mutations; empty means mutations are refused. */
  apiKeys: string[];
  /** Largest accepted upload (and request body), in bytes. */
  maxUploadBytes: number;
  /** Whether GraphQL introspection and the sandbox landing page are on. */
  graphqlIntrospection: boolean;
  /** Requests per minute per client (API key or IP); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Which runtime embeds images: ONNX Runtime where a model has an export (auto), or always one. */
  inference: InferenceRuntime;
  /** ONNX Runtime sessions per served model, each in a worker thread (default: one per core). */
  inferenceSessions: number;
  /** Intra-op threads per session (default 1). */
  inferenceThreads: number;
  /** Worker threads decoding images for ONNX inference (default: up to 2). */
  decodeWorkers?: number;
  /** Largest micro-batch per session, and how long a waiting request may wait for company. */
  maxBatch: number;
  batchWindowMs: number;
  /** hnswlib (files, default) or pgvector (tables in the metadata PostgreSQL). */
  vectorStore: VectorStoreKind;
  /** HNSW parameters of new builds: M and efConstruction of the graph, ef (ef_search) of queries. */
  indexParams: IndexParams;
  /** Default number of complete builds to keep. */
  keepBuilds: number;
  /** Polling interval of the alias and the live-change log (a missed notification heals within it). */
  indexPollMs: number;
  /** Lease of a running job or build; renewed every third of it. */
  jobLeaseMs: number;
  /** Names this process as the owner of the jobs it runs. */
  replicaId?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.parse(env);
  const dataDir = resolve(overrides.dataDir ?? parsed.PAINTER_DATA_DIR);
  const config: Config = {
    databaseUrl: parsed.DATABASE_URL || undefined,
    dataDir,
    modelsDir: resolve(parsed.PAINTER_MODELS_DIR ?? resolve(dataDir, 'models')),
    embeddedDbDir: resolve(dataDir, 'pglite'),
    cacheDir: resolve(dataDir, 'cache'),
    backend: parsed.PAINTER_BACKEND,
    workers: parsed.PAINTER_WORKERS,
    port: parsed.PORT,
    apiKeys: (parsed.PAINTER_API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0),
    maxUploadBytes: Math.round(parsed.PAINTER_MAX_UPLOAD_MB * 1024 * 1024),
    graphqlIntrospection: parsed.PAINTER_GRAPHQL_INTROSPECTION === 'true',
    rateLimitPerMinute: parsed.PAINTER_RATE_LIMIT_PER_MINUTE,
    inference: parsed.PAINTER_INFERENCE,
    // Measured (npm run bench -- --only encoder http): a single-threaded session per core runs
    // MobileNetV2 at 1.4× the images/s of one session using every core (no intra-op
    // synchronisation), and batches of 4 keep both busy at 8 concurrent uploads.
    inferenceSessions: parsed.PAINTER_INFERENCE_SESSIONS ?? availableParallelism(),
    inferenceThreads: parsed.PAINTER_INFERENCE_THREADS ?? 1,
    decodeWorkers: parsed.PAINTER_DECODE_WORKERS,
    maxBatch: parsed.PAINTER_MAX_BATCH,
    batchWindowMs: parsed.PAINTER_BATCH_WINDOW_MS,
    vectorStore: parsed.PAINTER_VECTOR_STORE,
    indexParams: { M: parsed.PAINTER_INDEX_M, efConstruction: parsed.PAINTER_INDEX_EF_CONSTRUCTION, ef: parsed.PAINTER_INDEX_EF },
    keepBuilds: parsed.PAINTER_INDEX_KEEP_BUILDS,
    indexPollMs: Math.round(parsed.PAINTER_INDEX_POLL_SECONDS * 1000),
    jobLeaseMs: Math.round(parsed.PAINTER_JOB_LEASE_SECONDS * 1000),
    replicaId: parsed.PAINTER_REPLICA_ID,
    ...overrides,
  };
  checkVectorStore(config);
  return config;
}

/** pgvector lives in PostgreSQL; the embedded database (PGlite) ships no vector extension. */
export function checkVectorStore(config: Pick<Config, 'vectorStore' | 'databaseUrl'>): void {
  if (config.vectorStore === 'pgvector' && !config.databaseUrl) {
    throw new PainterError(
      'CONFIG_INVALID',
      'PAINTER_VECTOR_STORE=pgvector needs DATABASE_URL (a PostgreSQL server with the vector extension): the embedded database has no vector extension; unset PAINTER_VECTOR_STORE to use hnswlib',
      { variable: 'PAINTER_VECTOR_STORE' },
    );
  }
}
