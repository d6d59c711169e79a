/**
 * The one place that reads the environment. Everything else receives a Config.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PainterError } from './errors.js';

/** Micro-batching of concurrent uploads: the one place these defaults live (see README, "Serving runtime"). */
export const INFERENCE_DEFAULTS = { maxBatch: 4, batchWindowMs: 4 } as const;

const keyList = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0));

const onOff = z.enum(['true', 'false'], { error: 'expected true or false' });

/**
 * Express's `trust proxy`: `false` (default: the client is the TCP peer), `true` (trust every
 * proxy: only behind one that overwrites X-Forwarded-For), a hop count, or the proxies'
 * addresses and subnets (and express's names loopback, linklocal, uniquelocal).
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((s, ctx): boolean | number | string[] => {
    const v = s.trim();
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = parts.find((p) => !['loopback', 'linklocal', 'uniquelocal'].includes(p) && !isAddressOrSubnet(p));
    if (bad !== undefined || parts.length === 0) {
      ctx.addIssue({ code: 'custom', message: `expected true, false, a hop count, or addresses/subnets${bad !== undefined && bad !== v ? ` ('${bad}' is none of them)` : ''}` });
      return z.NEVER;
    }
    return parts;
  });

function isAddressOrSubnet(s: string): boolean {
  const [address, bits, ...rest] = s.split('/');
  if (rest.length > 0 || !isIP(address)) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** `https://a.example,https://b.example`; `*` allows any origin (a public, keyless API only). */
const corsOrigins = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const list = (s ?? '').split(',').map((o) => o.trim()).filter(Boolean);
    for (const o of list) {
      if (o === '*') continue;
      let url: URL | null = null;
      try {
        url = new URL(o);
      } catch {
        // reported below
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== o) {
        ctx.addIssue({ code: 'custom', message: `expected origins like https://app.example (scheme, host, optional port; no path)${o !== s ? ` ('${o}' is not one)` : ''}` });
        return z.NEVER;
      }
    }
    return list;
  });

const EnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  PAINTER_DATA_DIR: z.string().default('data'),
  PAINTER_MODELS_DIR: z.string().optional(),
  /** Derived, re-computable data (backbone feature caches); shareable between data directories. */
  PAINTER_CACHE_DIR: z.string().optional(),
  PAINTER_BACKUP_DIR: z.string().optional(),
  PAINTER_BACKEND: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  PAINTER_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  NODE_ENV: z.string().optional(),
  /** Comma-separated admin keys (the name from before roles; the same as PAINTER_ADMIN_KEYS). */
  PAINTER_API_KEYS: keyList,
  PAINTER_ADMIN_KEYS: keyList,
  PAINTER_READ_KEYS: keyList,
  PAINTER_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(25),
  /** Default: off when NODE_ENV=production, on otherwise. */
  PAINTER_GRAPHQL_INTROSPECTION: onOff.optional(),
  PAINTER_TRUST_PROXY: trustProxy,
  PAINTER_CORS_ORIGINS: corsOrigins,
  PAINTER_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  PAINTER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests per minute per API key or IP address under /api and /graphql (0 = unlimited). */
  PAINTER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  PAINTER_INFERENCE: z.enum(['auto', 'onnx', 'tfjs']).default('auto'),
  PAINTER_INFERENCE_SESSIONS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_INFERENCE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_DECODE_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  PAINTER_MAX_BATCH: z.coerce.number().int().min(1).max(256).default(INFERENCE_DEFAULTS.maxBatch),
  PAINTER_BATCH_WINDOW_MS: z.coerce.number().min(0).max(1000).default(INFERENCE_DEFAULTS.batchWindowMs),
});

export type InferenceRuntime = 'auto' | 'onnx' | 'tfjs';

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
  /** Where the server writes backups asked for through the API (`POST /api/backups`). */
  backupDir: string;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Worker threads for decoding and feature extraction (default: one per core). */
  workers?: number;
  port: number;
  /** Keys that may do everything (PAINTER_ADMIN_KEYS and PAINTER_API_KEYS); none means mutations are refused. */
  adminKeys: string[];
  /** Keys that may query and browse; once there is one, reads need a read or admin key. */
  readKeys: string[];
  /** Largest accepted upload (and request body), in bytes. */
  maxUploadBytes: number;
  /** Whether GraphQL introspection and the sandbox landing page are on. */
  graphqlIntrospection: boolean;
  /** Requests per minute per client (a verified API key, else the client address); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Express's `trust proxy`: which X-Forwarded-For hops name the client. */
  trustProxy: boolean | number | string[];
  /** Origins other than the server's own whose pages may call the API; empty: same origin only. */
  corsOrigins: string[];
  /** Log lines as JSON, or coloured and readable for a terminal. */
  logFormat: 'json' | 'pretty';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
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
}

/**
 * The configuration from `env`. A bad value throws CONFIG_INVALID with one line naming the
 * variable and what it expects; `interactive` (stderr is a terminal) picks the log format.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}, interactive = process.stderr.isTTY === true): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) throw configError(result.error, env);
  const parsed = result.data;
  const dataDir = resolve(overrides.dataDir ?? parsed.PAINTER_DATA_DIR);
  return {
    databaseUrl: parsed.DATABASE_URL || undefined,
    dataDir,
    modelsDir: resolve(parsed.PAINTER_MODELS_DIR ?? resolve(dataDir, 'models')),
    embeddedDbDir: resolve(dataDir, 'pglite'),
    cacheDir: resolve(parsed.PAINTER_CACHE_DIR ?? resolve(dataDir, 'cache')),
    backupDir: resolve(parsed.PAINTER_BACKUP_DIR ?? resolve(dataDir, 'backups')),
    backend: parsed.PAINTER_BACKEND,
    workers: parsed.PAINTER_WORKERS,
    port: parsed.PORT,
    adminKeys: [...new Set([...parsed.PAINTER_ADMIN_KEYS, ...parsed.PAINTER_API_KEYS])],
    readKeys: [...new Set(parsed.PAINTER_READ_KEYS)],
    maxUploadBytes: Math.round(parsed.PAINTER_MAX_UPLOAD_MB * 1024 * 1024),
    graphqlIntrospection: (parsed.PAINTER_GRAPHQL_INTROSPECTION ?? (parsed.NODE_ENV === 'production' ? 'false' : 'true')) === 'true',
    rateLimitPerMinute: parsed.PAINTER_RATE_LIMIT_PER_MINUTE,
    trustProxy: parsed.PAINTER_TRUST_PROXY,
    corsOrigins: parsed.PAINTER_CORS_ORIGINS,
    logFormat: parsed.PAINTER_LOG_FORMAT ?? (interactive ? 'pretty' : 'json'),
    logLevel: parsed.PAINTER_LOG_LEVEL,
    inference: parsed.PAINTER_INFERENCE,
    // Measured (npm run bench -- --only encoder http): a single-threaded session per core runs
    // MobileNetV2 at 1.4× the images/s of one session using every core (no intra-op
    // synchronisation), and batches of 4 keep both busy at 8 concurrent uploads.
    inferenceSessions: parsed.PAINTER_INFERENCE_SESSIONS ?? availableParallelism(),
    inferenceThreads: parsed.PAINTER_INFERENCE_THREADS ?? 1,
    decodeWorkers: parsed.PAINTER_DECODE_WORKERS,
    maxBatch: parsed.PAINTER_MAX_BATCH,
    batchWindowMs: parsed.PAINTER_BATCH_WINDOW_MS,
    ...overrides,
  };
}

/** One line: the variable, what is wrong, and the value given (never for a key list). */
function configError(error: z.ZodError, env: NodeJS.ProcessEnv): PainterError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  const value = env[variable];
  const secret = /KEYS$|DATABASE_URL/.test(variable);
  const shown = value === undefined || secret ? '' : ` (got '${value.length > 80 ? `${value.slice(0, 80)}…` : value}')`;
  const message = (issue?.message ?? 'invalid value')
    .replace(/^Invalid (input|option): /, '')
    .replace(/^Too big: expected \w+ to be <=?\s*(\S+)$/, 'expected at most $1')
    .replace(/^Too small: expected \w+ to be >=?\s*(\S+)$/, 'expected at least $1')
    .replace(/^expected number, received NaN$/, 'expected a number');
  return new PainterError('CONFIG_INVALID', `${variable}: ${message}${shown}`, { variable });
}
