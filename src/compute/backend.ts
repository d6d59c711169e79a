/**
 * Picks the tensor backend once per process: native TensorFlow when its optional package is
 * installed, else the wasm backend (with the kernels it lacks for training), else pure-JS cpu.
 * Call `initBackend` before building or loading any model so variables live on the chosen backend.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PainterError } from '../errors.js';
import { registerWasmTrainingKernels } from './wasm-kernels/index.js';

export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name, as in tf.getBackend(). */
  name: string;
  /** npm package that provides it. */
  package: string;
  threads: number;
  note?: string;
}

const NATIVE_GPU = '@tensorflow/tfjs-node-gpu';
const NATIVE_CPU = '@tensorflow/tfjs-node';
const WASM = '@tensorflow/tfjs-backend-wasm';
const CPU = '@tensorflow/tfjs-backend-cpu';

const PACKAGE_OF: Record<Exclude<BackendPreference, 'auto'>, string> = {
  'tensorflow-gpu': NATIVE_GPU,
  tensorflow: NATIVE_CPU,
  wasm: WASM,
  cpu: CPU,
};

function reason(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

function unavailable(pkg: string, why: string, cause?: unknown): PainterError {
  return new PainterError('BACKEND_UNAVAILABLE', `${pkg}: ${why}`, { package: pkg }, cause ? { cause } : undefined);
}

async function activate(name: string, pkg: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw unavailable(pkg, `backend '${name}' failed to initialise: ${reason(e)}`, e);
  }
  if (!ok) throw unavailable(pkg, `backend '${name}' failed to initialise`);
  await tf.ready();
}

async function initNative(pkg: string): Promise<BackendInfo> {
  // A non-literal specifier keeps TypeScript and bundlers from requiring these optional packages.
  const specifier: string = pkg;
  try {
    await import(specifier);
  } catch (e) {
    throw unavailable(pkg, `not loadable (${reason(e)})`, e);
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    // It registered itself with another copy of tfjs-core, so this process cannot use it.
    throw unavailable(pkg, `loaded but did not register a 'tensorflow' backend with @tensorflow/tfjs ${tf.version.tfjs}; install a matching version`);
  }
  await activate('tensorflow', pkg);
  return {
    name: 'tensorflow',
    package: pkg,
    threads: os.availableParallelism(),
    ...(pkg === NATIVE_GPU ? { note: 'CUDA' } : {}),
  };
}

/** The package's dist/ directory, where its .wasm binaries sit next to the Node entry point. */
export function wasmBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve(WASM);
  return path.dirname(entry) + path.sep;
}

async function initWasm(): Promise<BackendInfo> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Under Node the binaries are read from disk; without an explicit path the loader looks beside
    // the calling script.
    wasm.setWasmPaths(wasmBinaryDir());
  } catch (e) {
    throw unavailable(WASM, `not loadable (${reason(e)})`, e);
  }
  await activate('wasm', WASM);
  registerWasmTrainingKernels();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { name: 'wasm', package: WASM, threads: wasm.getThreadsCount(), note: simd ? 'SIMD' : 'no SIMD' };
}

async function initCpu(): Promise<BackendInfo> {
  await activate('cpu', CPU);
  return { name: 'cpu', package: CPU, threads: 1, note: 'pure JavaScript, slow for training' };
}

const INIT: Record<Exclude<BackendPreference, 'auto'>, () => Promise<BackendInfo>> = {
  'tensorflow-gpu': () => initNative(NATIVE_GPU),
  tensorflow: () => initNative(NATIVE_CPU),
  wasm: initWasm,
  cpu: initCpu,
};

const AUTO_ORDER: Exclude<BackendPreference, 'auto'>[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function select(pref: BackendPreference): Promise<BackendInfo> {
  if (pref !== 'auto') return INIT[pref]();
  const failures: string[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      return await INIT[candidate]();
    } catch (e) {
      failures.push(reason(e));
    }
  }
  throw new PainterError('BACKEND_UNAVAILABLE', `no backend could be initialised: ${failures.join('; ')}`);
}

let active: Promise<BackendInfo> | null = null;

/**
 * Selects and initialises the backend. Idempotent: later calls with 'auto' or a preference the
 * active backend already satisfies return the same info object; a different explicit preference
 * switches backend.
 */
export async function initBackend(pref: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (active) {
    const current = await active.catch(() => null);
    if (current && (pref === 'auto' || PACKAGE_OF[pref] === current.package)) return current;
  }
  const previous = active;
  const next = select(pref);
  // A failed switch leaves the previous backend in place (tf.setBackend keeps it too).
  active = previous ? next.catch(() => previous) : next;
  return next;
}

export function describeBackend(info: BackendInfo): string {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const details = [info.package, info.note, threads].filter(Boolean).join(', ');
  return `backend: ${info.name} (${details})`;
}
