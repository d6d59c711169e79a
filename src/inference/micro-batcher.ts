/**
 * Micro-batching: concurrent requests for one encoder are run as one batch. A batch starts when
 * `maxBatch` items wait, or `windowMs` after the first item arrived while the runner was idle;
 * items that arrive while a batch runs go in the next batch as soon as it finishes (they already
 * waited). So a lone request pays at most the window, and a loaded server runs full batches.
 *
 * Callers that know an item is coming (its image is being decoded) announce it with `expect()`.
 * An idle batcher then waits only for announced items still on their way: a lone request whose
 * company is known not to exist starts at once. While another batch runs (several runners), the
 * window still gathers company, since a fuller batch costs less per item.
 */

type Items = Float32Array | Uint8Array;

export interface MicroBatcherOptions<T extends Items> {
  /** Values per input item (e.g. h·w·3). */
  itemLength: number;
  /** Allocates a batch's input (default: a Float32Array). */
  allocate?: (length: number) => T;
  maxBatch: number;
  windowMs: number;
  /** Batches allowed to run at once (one per inference worker). */
  concurrency?: number;
  /** Told when items join or leave the queue, and when a batch has run. */
  observer?: BatchObserver;
}

export interface BatchObserver {
  queued(delta: number): void;
  ran(size: number, seconds: number): void;
}

/** Runs `n` items laid out back to back; returns n output rows back to back. */
export type BatchRunner<T extends Items = Float32Array> = (input: T, n: number) => Promise<Float32Array>;

interface Waiting<T extends Items> {
  item: T;
  /** Came through expect(): the batcher knew it was coming. */
  announced: boolean;
  resolve(row: Float32Array): void;
  reject(e: unknown): void;
}

/** An item announced before it exists: submit it when ready, or cancel if it never will be. */
export interface ExpectedItem<T extends Items> {
  submit(item: T): Promise<Float32Array>;
  cancel(): void;
}

export interface BatchStats {
  batches: number;
  items: number;
  largest: number;
}

export class MicroBatcher<T extends Items = Float32Array> {
  private queue: Waiting<T>[] = [];
  private running = 0;
  /** Announced items not yet submitted or cancelled. */
  private arriving = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly stats: BatchStats = { batches: 0, items: 0, largest: 0 };

  constructor(
    private readonly run: BatchRunner<T>,
    private readonly opts: MicroBatcherOptions<T>,
  ) {
    if (opts.maxBatch < 1) throw new RangeError('maxBatch must be at least 1');
  }

  submit(item: T): Promise<Float32Array> {
    return this.enqueue(item, false);
  }

  expect(): ExpectedItem<T> {
    this.arriving++;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('an expected item is submitted or cancelled once');
      settled = true;
      this.arriving--;
    };
    return {
      submit: (item) => {
        settle();
        return this.enqueue(item, true);
      },
      cancel: () => {
        settle();
        this.schedule(); // whoever waited for this item need not any more
      },
    };
  }

  private enqueue(item: T, announced: boolean): Promise<Float32Array> {
    if (item.length !== this.opts.itemLength) {
      const e = new RangeError(`batch item holds ${item.length} values, expected ${this.opts.itemLength}`);
      if (announced) this.schedule();
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ item, announced, resolve, reject });
      this.opts.observer?.queued(1);
      this.schedule();
    });
  }

  /** Nothing more is known to be coming: every waiting item was announced, and none is still on its way. */
  private noCompanyComing(): boolean {
    return this.arriving === 0 && this.queue.every((w) => w.announced);
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.running >= (this.opts.concurrency ?? 1)) return;
    if (this.queue.length >= this.opts.maxBatch || this.opts.windowMs <= 0 || (this.running === 0 && this.noCompanyComing())) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0 || this.running >= (this.opts.concurrency ?? 1)) return;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    const n = batch.length;
    this.opts.observer?.queued(-n);
    const started = performance.now();
    const length = n * this.opts.itemLength;
    const input = this.opts.allocate ? this.opts.allocate(length) : (new Float32Array(length) as T);
    batch.forEach((w, i) => input.set(w.item, i * this.opts.itemLength));
    this.running++;
    this.stats.batches++;
    this.stats.items += n;
    this.stats.largest = Math.max(this.stats.largest, n);
    this.run(input, n)
      .then(
        (out) => {
          this.opts.observer?.ran(n, (performance.now() - started) / 1000);
          const dim = out.length / n;
          if (!Number.isInteger(dim)) throw new Error(`a batch of ${n} returned ${out.length} values`);
          batch.forEach((w, i) => w.resolve(out.slice(i * dim, (i + 1) * dim)));
        },
        (e: unknown) => batch.forEach((w) => w.reject(e)),
      )
      .catch((e: unknown) => batch.forEach((w) => w.reject(e)))
      .finally(() => {
        this.running--;
        // Whoever queued during the run has waited long enough: go now.
        if (this.queue.length > 0) this.flush();
      });
  }
}
