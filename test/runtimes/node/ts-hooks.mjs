/** Module hooks that let Node 20 (no type stripping) run the suite's .ts files in child processes. */
import { readFile } from 'node:fs/promises';
import { transform } from 'sucrase';

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/'))
    return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { code } = transform(source, {
    transforms: ['typescript'],
    disableESTransforms: true,
    filePath: url,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
