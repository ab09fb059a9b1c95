/** Reads a spec on Deno: a URL through fetch, anything else from the file system. */
import { fetchText } from '../../src/catalog/index.ts';

declare const Deno: { readTextFile(path: string): Promise<string> };

export async function readDenoSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return fetchText(source);
  try {
    return await Deno.readTextFile(source);
  } catch (error) {
    throw new Error(
      `${source}: cannot read the spec (${(error as Error).name === 'NotFound' ? 'no such file' : error})`,
    );
  }
}
