/**
 * Request/response over a worker thread's message port, by id. Errors cross the thread boundary
 * as { code, message, details } and come back as PainterErrors, so a bad image decoded in a
 * worker still answers 422 IMAGE_UNREADABLE rather than 500.
 */
import { parentPort, type Worker } from 'node:worker_threads';
import { isPainterError, PainterError, type ErrorCode } from '../errors.js';

interface WireError {
  code: ErrorCode | null;
  message: string;
  details?: Record<string, unknown>;
}

type Reply<T> = { id: number; ok: true; value: T } | { id: number; ok: false; error: WireError };
type Request<M> = { id: number; message: M };

function toWire(e: unknown): WireError {
  if (isPainterError(e)) return { code: e.code, message: e.message, details: e.details };
  return { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

function fromWire(e: WireError): Error {
  return e.code ? new PainterError(e.code, e.message, e.details) : new Error(e.message);
}

/** The calling side: one pending promise per request; a dead worker rejects them all. */
export class WorkerClient<M, T> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: T): void; reject(e: Error): void }>();
  private failure: Error | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly name: string,
  ) {
    worker.on('message', (reply: Reply<T>) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(fromWire(reply.error));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`${name} worker exited (code ${code})`)));
  }

  /** Requests in flight on this worker. */
  get load(): number {
    return this.pending.size;
  }

  get alive(): boolean {
    return this.failure === null;
  }

  call(message: M, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, message } satisfies Request<M>, transfer);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error(`${this.name} worker closed`));
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * The worker side: answers each request with `handle`'s value (its ArrayBuffers listed by
 * `transferOf` are moved, not copied). Requests are handled concurrently, in arrival order.
 */
export function serveRequests<M, T>(handle: (message: M) => Promise<T>, transferOf: (value: T) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests must run in a worker thread');
  port.on('message', ({ id, message }: Request<M>) => {
    handle(message).then(
      (value) => port.postMessage({ id, ok: true, value } satisfies Reply<T>, transferOf(value)),
      (e: unknown) => port.postMessage({ id, ok: false, error: toWire(e) } satisfies Reply<T>),
    );
  });
}

/** Resolves once the worker posts its first message `{ ready: true }` (or rejects on its failure). */
export function whenReady(worker: Worker, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { ready?: boolean; error?: WireError }) => {
      cleanup();
      if (msg.ready) resolve();
      else reject(msg.error ? fromWire(msg.error) : new Error(`${name} worker: unexpected first message`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`${name} worker exited during start-up (code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** The worker side of whenReady: reports that start-up finished, or how it failed. */
export async function announceReady(start: () => Promise<void>): Promise<boolean> {
  const port = parentPort;
  if (!port) throw new Error('announceReady must run in a worker thread');
  try {
    await start();
    port.postMessage({ ready: true });
    return true;
  } catch (e) {
    port.postMessage({ ready: false, error: toWire(e) });
    return false;
  }
}
