/** Collects guest console output up to a line and byte budget; going over either one ends the run. */
import { utf8Length } from './utf8-length.ts';

const PREFIXES = ['', '', '[warn] ', '[error] ', '[debug] '];

export class LogBuffer {
  readonly lines: string[] = [];
  /** Which budget a line went over; set once, after which nothing more is kept. */
  exceeded: 'lines' | 'bytes' | undefined;
  private bytes = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
    /** Told each line kept, as it is kept (a caller streaming the run's logs). */
    private readonly onLine?: (line: string) => void,
  ) {}

  /** Adds one console line (level 0 log, 1 info, 2 warn, 3 error, 4 debug); false once a budget is spent. */
  push(level: number, text: string): boolean {
    if (this.exceeded) return false;
    const line = (PREFIXES[level] ?? '') + text;
    const size = utf8Length(line);
    if (this.lines.length >= this.maxLines) {
      this.exceeded = 'lines';
      return false;
    }
    if (this.bytes + size <= this.maxBytes) {
      this.lines.push(line);
      this.bytes += size;
      this.onLine?.(line);
      return true;
    }
    // Keep what fits of the line that overflows: the start of a big dump is what explains the failure.
    const room = this.maxBytes - this.bytes;
    if (room > 0) {
      let cut = line.slice(0, room);
      while (utf8Length(cut) > room) cut = cut.slice(0, Math.floor(cut.length * 0.9));
      this.lines.push(cut);
      this.bytes += utf8Length(cut);
      this.onLine?.(cut);
    }
    this.exceeded = 'bytes';
    return false;
  }

  finish(): string[] {
    return this.lines;
  }
}
