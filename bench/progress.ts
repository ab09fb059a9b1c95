/** A progress bar on stderr: one line redrawn on a terminal, one line per step otherwise (CI logs). */

export interface Progress {
  /** Starts step `label`; the previous one counts as done. */
  step(label: string): void;
  /** A note under the bar (a skipped peer, a failed runtime). */
  note(text: string): void;
  done(): void;
}

const WIDTH = 24;

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

export function progress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let done = -1;
  let label = '';
  const draw = () => {
    const finished = Math.max(0, done);
    const elapsed = (performance.now() - started) / 1000;
    const filled = Math.round((finished / Math.max(1, total)) * WIDTH);
    const left = finished > 0 ? (elapsed / finished) * (total - finished) : Number.NaN;
    const eta = Number.isFinite(left) ? `, ~${clock(left)} left` : '';
    const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${finished}/${total} ${clock(elapsed)}${eta}  ${label}`;
    if (tty) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
    else stream.write(`${line}\n`);
  };
  return {
    step(next) {
      done = Math.min(total, done + 1);
      label = next;
      draw();
    },
    note(text) {
      if (tty) stream.write('\r\x1b[2K');
      stream.write(`  ${text}\n`);
      if (tty) draw();
    },
    done() {
      done = total;
      label = 'done';
      draw();
      if (tty) stream.write('\n');
    },
  };
}
