/**
 * Progress bars on stderr (stdout stays clean for JSON), or nothing when stderr is not a terminal
 * and the caller asked for quiet output.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, extraFormat = ''): Progress {
  if (!process.stderr.isTTY) {
    // Not a terminal: a line every 10% keeps logs readable.
    let lastDecile = -1;
    return {
      update(done, total, extra) {
        const decile = total ? Math.floor((done / total) * 10) : 10;
        if (decile !== lastDecile) {
          lastDecile = decile;
          const more = extra ? ' ' + Object.entries(extra).map(([k, v]) => `${k} ${v}`).join(' ') : '';
          process.stderr.write(`${label}: ${done}/${total}${more}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} [{bar}] {percentage}% {value}/{total} {eta_formatted}${extraFormat ? ' ' + extraFormat : ''}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, extra) {
      if (!started) {
        bar.start(total, done, extra ?? {});
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, extra ?? {});
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
