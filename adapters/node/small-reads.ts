/**
 * Imports a module graph with some large files read in 64 KiB pieces instead of in one piece.
 *
 * Why: Node reads a file that is required or imported into one C++ buffer (for TypeScript's 9 MB
 * compiler, a string that grows to 16 MiB, then a 9 MB buffer for the ES module loader), and glibc's
 * malloc, when a block that large is freed, raises for the rest of the process how much freed memory it
 * keeps in each thread's heap instead of giving it back (the trim threshold, twice the block: 32 MiB).
 * With the compiler loaded in the checker thread, a Node 20 server held 341-367 MiB after 2,000 checked
 * runs where it holds about 280 MiB when no block over ~2 MiB is ever freed (duet bench --only memory).
 * Read in pieces, the text only ever lives in V8's heap, where the collector gives it back.
 *
 * Only the listed files are read this way, only while `load` runs, and only in this thread: Node's loaders
 * read through the `fs` module of the thread that imports (the CommonJS loader with `readFileSync(file,
 * 'utf8')`, Node 20's ES module loader with `fs.promises.readFile`). Anything else they read, and every
 * later caller, gets the real functions.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const PIECE = 64 * 1024;

/** The file's text, decoded piece by piece: no buffer larger than a piece is ever allocated. */
export function readTextInPieces(file: string): string {
  const fd = fs.openSync(file, 'r');
  // Not from Node's shared pool: a buffer of its own, under malloc's 128 KiB direct-mapping size.
  const piece = Buffer.allocUnsafeSlow(PIECE);
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const read = fs.readSync(fd, piece, 0, PIECE, null);
      if (read === 0) break;
      text += decoder.decode(piece.subarray(0, read), { stream: true });
    }
  } finally {
    fs.closeSync(fd);
  }
  return text + decoder.decode();
}

function pathOf(file: unknown): string | undefined {
  try {
    if (file instanceof URL) return fileURLToPath(file);
    if (typeof file === 'string') return file.startsWith('file:') ? fileURLToPath(file) : file;
  } catch {
    // Not a path this module reads (a malformed URL): the real function answers.
  }
  return undefined;
}

const isUtf8 = (options: unknown) => {
  const encoding = typeof options === 'string' ? options : (options as { encoding?: unknown })?.encoding;
  return typeof encoding === 'string' && /^utf-?8$/i.test(encoding);
};

/** Runs `load` with `files` (absolute paths) read in pieces by Node's module loaders in this thread. */
export async function importWithSmallReads<T>(files: string[], load: () => Promise<T>): Promise<T> {
  const texts = new Map<string, string | undefined>(files.map((file) => [file, undefined]));
  const textOf = (file: unknown): string | undefined => {
    const path = pathOf(file);
    if (path === undefined || !texts.has(path)) return undefined;
    let text = texts.get(path);
    if (text === undefined) {
      text = readTextInPieces(path);
      texts.set(path, text);
    }
    return text;
  };
  const { readFileSync } = fs;
  const { readFile } = fs.promises;
  fs.readFileSync = function (this: unknown, ...args: unknown[]) {
    // Only a request for text can take a string; a request for bytes gets what it asked for.
    const text = isUtf8(args[1]) ? textOf(args[0]) : undefined;
    return text ?? (readFileSync as (...args: unknown[]) => unknown).apply(this, args);
  } as typeof fs.readFileSync;
  fs.promises.readFile = async function (this: unknown, file: unknown, ...rest: unknown[]) {
    // Node 20's ES module loader asks for bytes but takes a string as a module's source.
    const text = textOf(file);
    return text ?? (readFile as (...args: unknown[]) => Promise<unknown>).apply(this, [file, ...rest]);
  } as typeof fs.promises.readFile;
  try {
    return await load();
  } finally {
    fs.readFileSync = readFileSync;
    fs.promises.readFile = readFile;
  }
}
