/** The shape of one conformance case. */
import type { CaseContext } from '../context.ts';
import type { Feature } from '../target.ts';

export interface ConformanceCase {
  /** Stable and unique: runners on other runtimes report results by this name. */
  name: string;
  feature: Feature;
  /** `spawn`: needs `target.spawnWriter`. */
  needs?: 'spawn';
  run(ctx: CaseContext): Promise<void>;
}
