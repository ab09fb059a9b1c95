/** `--sandbox-limit NAME=VALUE` flags: a server's sandbox limits and pool size, the same on every runtime. */
import type { PoolOptions } from './pool.ts';
import { defaultLimits, type SandboxLimits } from './types.ts';

export interface SandboxSettings {
  /** Server-wide limits for every run (a run's own `timeoutMs` still applies). */
  limits: Partial<SandboxLimits>;
  /** Pool shape: `workers`, `queue` and `cpus`. */
  pool: Pick<PoolOptions, 'size' | 'maxQueue' | 'cpus'>;
}

const POOL_KEYS: Record<string, keyof SandboxSettings['pool']> = {
  workers: 'size',
  queue: 'maxQueue',
  cpus: 'cpus',
};
const LIMIT_KEYS = Object.keys(defaultLimits) as (keyof SandboxLimits)[];

/** Parses `timeoutMs=5000`, `memoryBytes=33554432`, `workers=4`, ...; throws naming the flag and the fix. */
export function parseLimitFlags(texts: readonly string[] = []): SandboxSettings {
  const settings: SandboxSettings = { limits: {}, pool: {} };
  for (const text of texts) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(text.trim());
    const name = match?.[1] ?? '';
    const value = Number(match?.[2]);
    const known = [...LIMIT_KEYS, ...Object.keys(POOL_KEYS)];
    if (!match || !known.includes(name)) {
      throw new Error(`--sandbox-limit ${text}: expected NAME=INTEGER with NAME one of ${known.join(', ')}`);
    }
    if (!Number.isSafeInteger(value) || (value < 1 && name !== 'queue')) {
      throw new Error(`--sandbox-limit ${text}: ${name} must be a positive integer`);
    }
    if (name in POOL_KEYS) settings.pool[POOL_KEYS[name]] = value;
    else settings.limits[name as keyof SandboxLimits] = value;
  }
  return settings;
}
