/** A policy's `limits` as sandbox settings; light enough for a launcher that only checks its flags. */
import { parseLimitFlags } from '../sandbox/limit-flags.ts';
import { PolicyError } from './load.ts';
import type { PolicyDocument } from './schema.ts';

export function policyLimits(policy: PolicyDocument | undefined): ReturnType<typeof parseLimitFlags> {
  try {
    return parseLimitFlags(Object.entries(policy?.limits ?? {}).map(([name, value]) => `${name}=${value}`));
  } catch (error) {
    throw new PolicyError(`policy: limits: ${(error as Error).message.replace(/^--sandbox-limit /, '')}`);
  }
}
