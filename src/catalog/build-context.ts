/** State shared by the pieces that turn one document into operations. */

import type { JsonObject } from './guards.ts';
import type { SchemaNormalizer } from './schema-normalizer.ts';

export interface BuildContext {
  document: JsonObject;
  source: string;
  swagger2: boolean;
  normalizer: SchemaNormalizer;
  /** Reports a piece that was skipped so the rest of the document can still be used. */
  warn(message: string): void;
}
