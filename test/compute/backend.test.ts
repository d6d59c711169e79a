import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeBackend, initBackend, wasmBinaryDir } from '../../src/compute/backend.js';
import { isPainterError } from '../../src/errors.js';

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const hasNative = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

// Tests share one process and run in order: 'auto' first, while nothing is initialised yet.
describe('initBackend', () => {
  it.skipIf(hasNative)("'auto' falls back to wasm when no native TensorFlow package is installed", async () => {
    const info = await initBackend();
    expect(info).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm' });
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  });

  it('is idempotent: repeated and satisfied calls return the same info', async () => {
    const first = await initBackend('wasm');
    expect(await initBackend('wasm')).toBe(first);
    expect(await initBackend('auto')).toBe(first);
    const [a, b] = await Promise.all([initBackend('wasm'), initBackend()]);
    expect(a).toBe(first);
    expect(b).toBe(first);
  });

  for (const [pref, pkg] of [
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const) {
    it.skipIf(installed(pkg))(`an explicit '${pref}' without ${pkg} throws BACKEND_UNAVAILABLE naming the package`, async () => {
      const before = await initBackend('wasm');
      const error = await initBackend(pref).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isPainterError(error)).toBe(true);
      if (!isPainterError(error)) return;
      expect(error.code).toBe('BACKEND_UNAVAILABLE');
      expect(error.message).toContain(pkg);
      expect(error.message).toMatch(/not loadable/);
      // The failed switch leaves the working backend in place.
      expect(tf.getBackend()).toBe('wasm');
      expect(await initBackend()).toBe(before);
    });
  }

  it('switches on a different explicit preference and back', async () => {
    const cpu = await initBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend()).toBe(cpu);
    const wasm = await initBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('wasmBinaryDir', () => {
  it('is the package dist/ directory, with a trailing separator, holding the binaries', () => {
    const dir = wasmBinaryDir();
    expect(dir.endsWith(`dist${sep}`)).toBe(true);
    expect(existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(existsSync(join(dir, 'tfjs-backend-wasm.wasm'))).toBe(true);
  });
});

describe('describeBackend', () => {
  it('renders one line with package, note and thread count', () => {
    expect(describeBackend({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: 1, note: 'SIMD' })).toBe(
      'backend: wasm (@tensorflow/tfjs-backend-wasm, SIMD, 1 thread)',
    );
    expect(describeBackend({ name: 'tensorflow', package: '@tensorflow/tfjs-node', threads: 8 })).toBe(
      'backend: tensorflow (@tensorflow/tfjs-node, 8 threads)',
    );
  });
});
