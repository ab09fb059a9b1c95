/** Reads a spec from a file path or an http(s) URL, for the catalog's loader. */
import { readFile } from 'node:fs/promises';
import { fetchText } from '../../src/catalog/index.ts';

export async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return fetchText(source);
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new Error(`${source}: cannot read the spec (${reason})`);
  }
}
