/** The normalised form of schema references: `#/components/schemas/NAME`, naming a key of `Api.schemas`. */

import { escapePointerSegment } from './json-pointer.ts';

const prefix = '#/components/schemas/';

export function schemaRef(name: string): string {
  return prefix + escapePointerSegment(name);
}

/** The `Api.schemas` key a normalised `$ref` names, or undefined for any other string. */
export function schemaRefName(ref: string): string | undefined {
  if (!ref.startsWith(prefix)) return undefined;
  const escaped = ref.slice(prefix.length);
  if (escaped.includes('/')) return undefined;
  return escaped.replaceAll('~1', '/').replaceAll('~0', '~');
}
