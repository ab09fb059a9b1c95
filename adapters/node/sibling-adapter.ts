/**
 * Another adapter's module (adapters/ never import each other statically), by its path under adapters/:
 * the .ts source beside this one, or the .js tsc built beside it in dist/. Resolved from this file, which
 * stays in adapters/node/ when the CLI is bundled (adapters/node/build-cli.js puts the chunks there too).
 */
export function siblingAdapter(path: string): URL {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`../${path}.${extension}`, import.meta.url);
}
