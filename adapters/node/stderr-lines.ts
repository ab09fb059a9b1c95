/**
 * Log lines to standard error, written once per event-loop turn: under load a server logs one line per
 * execute, and a write (a syscall, synchronous for pipes and files) per line costs more than the line.
 * Lines keep their order; what is pending when the process exits is written before it goes.
 */
import { writeSync } from 'node:fs';

export function stderrLines(): (line: string) => void {
  let pending: string[] = [];
  const take = () => {
    const text = `${pending.join('\n')}\n`;
    pending = [];
    return text;
  };
  const flush = () => {
    if (pending.length > 0) process.stderr.write(take());
  };
  process.once('exit', () => {
    if (pending.length > 0) writeSync(2, take());
  });
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}
