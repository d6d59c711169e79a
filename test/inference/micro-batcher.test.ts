import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../src/inference/micro-batcher.js';

/** A runner that records batch sizes and answers each item with [sum of its values]. */
function recordingRunner(delayMs = 0) {
  const sizes: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (input: Float32Array, n: number) => {
    sizes.push(n);
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((r) => setTimeout(r, delayMs));
    running--;
    const len = input.length / n;
    return Float32Array.from({ length: n }, (_, i) => input.subarray(i * len, (i + 1) * len).reduce((a, b) => a + b, 0));
  };
  return { run, sizes, maxRunning: () => maxRunning };
}

describe('MicroBatcher', () => {
  it('runs requests that arrive within the window as one batch, and answers each with its own row', async () => {
    const r = recordingRunner();
    const b = new MicroBatcher(r.run, { itemLength: 2, maxBatch: 8, windowMs: 20 });
    const out = await Promise.all([1, 2, 3].map((v) => b.submit(Float32Array.of(v, v * 10))));
    expect(r.sizes).toEqual([3]);
    expect(out.map((o) => Array.from(o))).toEqual([[11], [22], [33]]);
    expect(b.stats).toEqual({ batches: 1, items: 3, largest: 3 });
  });

  it('tells its observer the queue depth and each batch it ran', async () => {
    const r = recordingRunner(5);
    let depth = 0;
    const depths: number[] = [];
    const ran: number[] = [];
    const observer = { queued: (d: number) => depths.push((depth += d)), ran: (n: number, seconds: number) => (expect(seconds).toBeGreaterThan(0), ran.push(n)) };
    const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 2, windowMs: 50, observer });
    await Promise.all([1, 2, 3, 4, 5].map((v) => b.submit(Float32Array.of(v))));
    expect(ran).toEqual(r.sizes);
    expect(ran.reduce((a, c) => a + c, 0)).toBe(5);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    expect(depth).toBe(0);
  });

  it('starts a full batch at once, without waiting out the window', async () => {
    const r = recordingRunner();
    const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 4, windowMs: 10_000 });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map((v) => b.submit(Float32Array.of(v))));
    expect(r.sizes).toEqual([4]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('queues arrivals during a run and sends them together as soon as it ends, one batch at a time', async () => {
    const r = recordingRunner(30);
    const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 16, windowMs: 1 });
    const first = b.submit(Float32Array.of(1));
    await new Promise((res) => setTimeout(res, 10)); // the first batch is running now
    const rest = [2, 3, 4, 5].map((v) => b.submit(Float32Array.of(v)));
    await Promise.all([first, ...rest]);
    expect(r.sizes).toEqual([1, 4]);
    expect(r.maxRunning()).toBe(1);
  });

  it('rejects every item of a failed batch, then keeps serving', async () => {
    let fail = true;
    const b = new MicroBatcher(
      async (input, n) => {
        if (fail) throw new Error('session failed');
        return input.slice(0, n);
      },
      { itemLength: 1, maxBatch: 4, windowMs: 5 },
    );
    const results = await Promise.allSettled([b.submit(Float32Array.of(1)), b.submit(Float32Array.of(2))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(Array.from(await b.submit(Float32Array.of(7)))).toEqual([7]);
  });

  it('refuses an item of the wrong size, naming both sizes', async () => {
    const b = new MicroBatcher(recordingRunner().run, { itemLength: 3, maxBatch: 4, windowMs: 5 });
    await expect(b.submit(new Float32Array(2))).rejects.toThrow(/2 values, expected 3/);
  });

  describe('announced items (expect)', () => {
    it('starts a lone announced item at once instead of waiting out the window', async () => {
      const r = recordingRunner();
      const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 8, windowMs: 10_000 });
      const t = performance.now();
      expect(Array.from(await b.expect().submit(Float32Array.of(4)))).toEqual([4]);
      expect(performance.now() - t).toBeLessThan(5_000);
      expect(r.sizes).toEqual([1]);
    });

    it('waits for announced items still on their way, then runs them together', async () => {
      const r = recordingRunner();
      const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 8, windowMs: 10_000 });
      const [x, y, z] = [b.expect(), b.expect(), b.expect()];
      const first = x.submit(Float32Array.of(1));
      await new Promise((res) => setTimeout(res, 20));
      expect(r.sizes).toEqual([]); // two more are known to be coming
      const rest = [y.submit(Float32Array.of(2)), z.submit(Float32Array.of(3))];
      expect((await Promise.all([first, ...rest])).map((o) => o[0])).toEqual([1, 2, 3]);
      expect(r.sizes).toEqual([3]);
    });

    it('stops waiting for an item that is cancelled (its decode failed)', async () => {
      const r = recordingRunner();
      const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 8, windowMs: 10_000 });
      const [x, y] = [b.expect(), b.expect()];
      const out = x.submit(Float32Array.of(5));
      await new Promise((res) => setTimeout(res, 20));
      expect(r.sizes).toEqual([]);
      y.cancel();
      expect(Array.from(await out)).toEqual([5]);
      expect(r.sizes).toEqual([1]);
      expect(() => y.cancel()).toThrow(/once/);
    });

    it('while another batch runs, gathers company for the free runner within the window', async () => {
      const r = recordingRunner(60);
      const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 4, windowMs: 30, concurrency: 2 });
      const first = b.expect().submit(Float32Array.of(1)); // idle: starts at once
      await new Promise((res) => setTimeout(res, 5));
      const second = b.expect().submit(Float32Array.of(2));
      await new Promise((res) => setTimeout(res, 5));
      const third = b.expect().submit(Float32Array.of(3)); // within the window of the second
      await Promise.all([first, second, third]);
      expect(r.sizes).toEqual([1, 2]);
      expect(r.maxRunning()).toBe(2);
    });

    it('still waits the window when an unannounced item is queued', async () => {
      const r = recordingRunner();
      const b = new MicroBatcher(r.run, { itemLength: 1, maxBatch: 8, windowMs: 40 });
      const plain = b.submit(Float32Array.of(1));
      await new Promise((res) => setTimeout(res, 5));
      const announced = b.expect().submit(Float32Array.of(2));
      await Promise.all([plain, announced]);
      expect(r.sizes).toEqual([2]);
    });
  });
});
