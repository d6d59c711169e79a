/**
 * `painter serve` as a child process, as users run it, for the load and reliability benchmarks.
 * On an empty data directory the server prepares its demo corpus first (about a minute).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PAINTER_BIN = fileURLToPath(new URL('../../bin/painter.js', import.meta.url));

export interface ServerOptions {
  dataDir: string;
  /** Admin keys (rebuilds, jobs, backups); none by default. */
  apiKeys?: string[];
  /** Extra environment, e.g. DATABASE_URL for a PostgreSQL server. */
  env?: NodeJS.ProcessEnv;
}

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  url: string;
  /** Exit code, or null when ended by a signal. */
  exited: Promise<number | null>;
  /** The server's log so far (stderr). */
  log(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

/** Environment for a server on its own data directory: embedded database, any free port, no rate limit. */
export function serverEnv(options: ServerOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PAINTER_DATA_DIR: options.dataDir,
    PORT: '0',
    DATABASE_URL: '',
    PAINTER_API_KEYS: (options.apiKeys ?? []).join(','),
    // The load runs would otherwise be throttled like one abusive client.
    PAINTER_RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  };
}

/** Runs another `painter` command (backup, restore, …) to its end: exit code and stderr. */
export function painterCommand(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [PAINTER_BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stderr })));
}

/** Starts the server and resolves with its URL once it logs that it listens. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [PAINTER_BIN, 'serve'], { env: serverEnv(options), stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ? null : code)));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) resolve(m[1]);
    });
    proc.on('exit', () => reject(new Error(`server exited before listening:\n${log}`)));
  });
  return {
    proc,
    pid: proc.pid!,
    url,
    exited,
    log: () => log,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * The server in a process of its own after any first-start preparation: on an empty data
 * directory a first process prepares the demo corpus (training it leaves tfjs's heap behind) and
 * stops, then a fresh one serves — so memory and latency figures describe serving alone, as after
 * any restart.
 */
export async function startPreparedServer(options: ServerOptions): Promise<ServerProcess> {
  if (!existsSync(join(options.dataDir, 'indexes'))) {
    const first = await startServer(options);
    const code = await first.stop();
    if (code !== 0) throw new Error(`the preparing server exited with ${code}:\n${first.log()}`);
  }
  return startServer(options);
}

export async function getJson<T = any>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

/** A multipart/form-data body with one file field, ready to replay (autocannon needs raw bytes). */
export function multipart(field: string, bytes: Uint8Array, filename = 'query.jpg', type = 'image/jpeg'): { body: Buffer; contentType: string } {
  const boundary = `----painter${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Every painting id the server lists, following its cursor pages. */
export async function listPaintingIds(url: string): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  do {
    const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await getJson(
      `${url}/api/paintings?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    ids.push(...page.body.items.map((p) => p.id));
    after = page.body.nextCursor;
  } while (after);
  return ids;
}
