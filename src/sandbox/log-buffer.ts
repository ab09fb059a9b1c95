/** Collects guest console output up to a line and byte budget, then drops the rest behind one marker line. */
import { utf8Length } from './utf8-length.ts';

const PREFIXES = ['', '', '[warn] ', '[error] ', '[debug] '];

export class LogBuffer {
  readonly lines: string[] = [];
  private bytes = 0;
  private truncated = false;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds one console line (level 0 log, 1 info, 2 warn, 3 error, 4 debug); false once the budget is spent. */
  push(level: number, text: string): boolean {
    if (this.truncated) return false;
    const line = (PREFIXES[level] ?? '') + text;
    const size = utf8Length(line);
    if (this.lines.length < this.maxLines && this.bytes + size <= this.maxBytes) {
      this.lines.push(line);
      this.bytes += size;
      return true;
    }
    // Keep what fits of a line that overflows the byte budget: the start of a big dump is the useful part.
    const room = this.maxBytes - this.bytes;
    if (this.lines.length < this.maxLines && room > 0) {
      let cut = line.slice(0, room);
      while (utf8Length(cut) > room) cut = cut.slice(0, Math.floor(cut.length * 0.9));
      this.lines.push(cut);
      this.bytes += utf8Length(cut);
    }
    this.truncated = true;
    return false;
  }

  /** The collected lines, plus a final marker when anything was cut or dropped. */
  finish(): string[] {
    if (!this.truncated) return this.lines;
    return [
      ...this.lines,
      `[logs truncated: output exceeded ${this.maxLines} lines or ${this.maxBytes} bytes; later output was dropped]`,
    ];
  }
}
