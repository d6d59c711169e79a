/**
 * Progress of long steps on stderr: a live bar on a terminal, a line every 10% otherwise (so logs
 * of a redirected run stay short and still show that it moves).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  return (label, total) => (stream.isTTY ? barProgress(stream, label, total) : lineProgress(stream, label, total));
}

function barProgress(stream: NodeJS.WriteStream, label: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

function lineProgress(stream: NodeJS.WriteStream, label: string, total: number): Progress {
  const started = performance.now();
  let shown = -1;
  const show = (done: number) => {
    const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
    if (tenth === shown) return;
    shown = tenth;
    stream.write(`${label}: ${done}/${total} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  };
  show(0);
  return { update: show, stop: () => undefined };
}

/** Progress that shows nothing (for tests and nested steps). */
export const silentProgress: ProgressFactory = () => ({ update: () => undefined, stop: () => undefined });
