/** The contract between the benchmark runner and its sections. */
import type { PresetName } from '../../src/encoders/presets.js';
import type { ProgressFactory } from './progress.js';

export type MetricValue = number | string | boolean | null;

export interface TableRow {
  label: string;
  /** Measured values, in column order; keys carry their unit (e.g. "median ms"). */
  metrics: Record<string, MetricValue>;
  /** Ratios of two measurements taken side by side in this run (printed as "12.3×"). */
  ratios?: Record<string, number | null>;
}

export interface BenchTable {
  title: string;
  rows: TableRow[];
  /** Fixed decimals for some metric columns (default: three significant digits). */
  digits?: Record<string, number>;
  notes?: string[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** null when this run could not decide (section skipped, or sizes too small for the target). */
  pass: boolean | null;
  note?: string;
}

export interface BenchResult {
  tables: BenchTable[];
  targets?: TargetCheck[];
  /** Everything measured, as numbers, for the JSON report. */
  raw: Record<string, unknown>;
  /** Set when the section, or part of it, had nothing to measure (e.g. no built index). */
  skipped?: string;
}

export interface BenchContext {
  /** Small sizes and short runs: a smoke test of the whole suite. */
  quick: boolean;
  seed: number;
  /** Data directory of an imported corpus (embedded database, indexes). */
  dataDir: string;
  /** True when --data-dir was given, so sections may serve it rather than a demo corpus. */
  dataDirGiven: boolean;
  /** False with --no-synthetic: measure only the served corpus. */
  synthetic: boolean;
  /** Folder of painting images to upload instead of the served corpus's own. */
  dataset?: string;
  /** Encoder presets to measure (default: all; small and pretrained when quick). */
  presets?: PresetName[];
  /** Scratch directory, removed when the run ends. */
  tmpDir: string;
  progress: ProgressFactory;
  log(message: string): void;
  /** Results of sections that already ran in this process, by name (a section may reuse another's). */
  results: ReadonlyMap<string, BenchResult>;
}

export interface BenchSection {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
