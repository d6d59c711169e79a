/**
 * Cross-process events over PostgreSQL LISTEN/NOTIFY: the index alias moved, a build changed
 * live, a job was queued or asked to stop. One connection per process listens (it reconnects
 * after a drop); the receivers also poll, so a notification missed during a reconnect only costs
 * a poll interval. The embedded database serves one process, so its events stay in-process.
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Database } from './client.js';

export type PainterEvent =
  | { topic: 'alias' }
  | { topic: 'change'; buildId: number }
  | { topic: 'job'; jobId: string }
  | { topic: 'cancel'; jobId: string };

export interface Notifier {
  publish(event: PainterEvent): Promise<void>;
  subscribe(listener: (event: PainterEvent) => void): () => void;
  close(): Promise<void>;
}

const RECONNECT_MS = [250, 1000, 5000];

export async function createNotifier(db: Pick<Database, 'pg'>): Promise<Notifier> {
  return db.pg ? PgNotifier.start(db.pg) : new LocalNotifier();
}

class LocalNotifier implements Notifier {
  private readonly events = new EventEmitter();

  async publish(event: PainterEvent): Promise<void> {
    // Asynchronously, as a notification from the database would arrive.
    setImmediate(() => this.events.emit('event', event));
  }

  subscribe(listener: (event: PainterEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}

class PgNotifier implements Notifier {
  private readonly events = new EventEmitter();
  private client: pg.Client | null = null;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pg: NonNullable<Database['pg']>,
    /** One channel per schema: test suites sharing a database never hear each other. */
    private readonly channel: string,
  ) {}

  static async start(pgdb: NonNullable<Database['pg']>): Promise<PgNotifier> {
    const schema = (await pgdb.pool.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
    const channel = `painter_${schema}`.slice(0, 63).replace(/[^A-Za-z0-9_]/g, '_');
    const n = new PgNotifier(pgdb, channel);
    await n.listen();
    return n;
  }

  async publish(event: PainterEvent): Promise<void> {
    await this.pg.pool.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(event)]);
  }

  subscribe(listener: (event: PainterEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.events.removeAllListeners();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = await this.pg.connect();
    client.on('notification', (m) => {
      if (m.channel !== this.channel || !m.payload) return;
      try {
        this.events.emit('event', JSON.parse(m.payload) as PainterEvent);
      } catch {
        // Not one of ours.
      }
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
    // Whatever happened while the connection was down is looked up as if it had been announced.
    if (this.attempt > 0) this.events.emit('event', { topic: 'alias' } satisfies PainterEvent);
    this.attempt = 0;
  }

  private reconnect(): void {
    if (this.closed) return;
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)];
    this.timer = setTimeout(() => {
      this.listen().catch(() => this.reconnect());
    }, delay);
    this.timer.unref();
  }
}
