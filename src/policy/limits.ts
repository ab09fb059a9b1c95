/** A policy's `limits` as sandbox settings; light enough for a launcher that only checks its flags. */
import { parseLimitFlags } from '../sandbox/limit-flags.ts';
import { PolicyError } from './load.ts';
import type { PolicyDocument } from './schema.ts';

/** The policy's `limits` written as `--sandbox-limit` flags (`timeoutMs=5000`, `workers=4`, ...). */
export function policyLimitFlags(policy: PolicyDocument | undefined): string[] {
  return Object.entries(policy?.limits ?? {}).map(([name, value]) => `${name}=${value}`);
}

export function policyLimits(policy: PolicyDocument | undefined): ReturnType<typeof parseLimitFlags> {
  try {
    return parseLimitFlags(policyLimitFlags(policy));
  } catch (error) {
    throw new PolicyError(`policy: limits: ${(error as Error).message.replace(/^--sandbox-limit /, '')}`);
  }
}
