/** Runs the conformance cases against a target: in-process, from any test runner, or as JSON for another runtime. */
import { type ConformanceCase, conformanceCases } from './cases/index.ts';
import { createCaseContext } from './context.ts';
import { type ConformanceTarget, FEATURES } from './target.ts';

export interface CaseResult {
  name: string;
  feature: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or what failed. */
  message?: string;
  ms: number;
}

export type CasePlan = { run: true } | { run: false; skip: string } | { run: false; fail: string };

/** Decides from the target's declarations whether a case runs, is skipped, or fails outright. */
export function planCase(target: ConformanceTarget, testCase: ConformanceCase): CasePlan {
  const meta = FEATURES[testCase.feature];
  const declared =
    meta.by === 'driver' ? target.support[testCase.feature as keyof ConformanceTarget['support']] : undefined;
  const needsSpawn = testCase.needs === 'spawn' && !target.spawnWriter;
  if (declared?.level === 'unsupported' || needsSpawn) {
    const reason =
      declared?.level === 'unsupported'
        ? (declared.reason ?? 'no reason given')
        : 'the target gives no spawnWriter';
    if (!meta.core || target.reference)
      return { run: false, skip: `${testCase.feature} unsupported: ${reason}` };
    return {
      run: false,
      fail: `'${testCase.feature}' is a core guarantee and cannot be opted out (${reason})`,
    };
  }
  return { run: true };
}

export async function runCase(
  target: ConformanceTarget,
  testCase: ConformanceCase,
  timeoutMs = 60_000,
): Promise<CaseResult> {
  const started = performance.now();
  const result = (status: CaseResult['status'], message?: string): CaseResult => ({
    name: testCase.name,
    feature: testCase.feature,
    status,
    message,
    ms: Math.round(performance.now() - started),
  });
  const plan = planCase(target, testCase);
  if (!plan.run) return 'skip' in plan ? result('skipped', plan.skip) : result('failed', plan.fail);
  const ctx = await createCaseContext(target);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A liveness guard, not a speed check: a deadlocked turn queue must fail, not hang the run.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`did not finish within ${timeoutMs} ms (deadlock?)`)),
        timeoutMs,
      );
    });
    await Promise.race([testCase.run(ctx), timeout]);
    return result('passed');
  } catch (error) {
    return result('failed', (error as Error)?.stack ?? String(error));
  } finally {
    clearTimeout(timer);
    await ctx.dispose().catch(() => undefined);
  }
}

export async function runConformance(
  target: ConformanceTarget,
  options: { only?: (name: string) => boolean; onResult?(result: CaseResult): void } = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of conformanceCases) {
    if (options.only && !options.only(testCase.name)) continue;
    const result = await runCase(target, testCase);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}

/** Registers one test per case with any runner that has `test(name, fn)` (vitest, bun:test, node:test). */
export function defineConformanceTests(options: {
  target: ConformanceTarget;
  test: (name: string, fn: () => Promise<void>) => void;
  skip: (name: string, fn: () => Promise<void>) => void;
}): void {
  for (const testCase of conformanceCases) {
    const plan = planCase(options.target, testCase);
    if (!plan.run && 'skip' in plan) {
      options.skip(`${testCase.name} (skipped: ${plan.skip})`, async () => undefined);
      continue;
    }
    options.test(testCase.name, async () => {
      const result = await runCase(options.target, testCase);
      if (result.status === 'failed') throw new Error(result.message);
    });
  }
}

/** A markdown table of every target's declared support, for the README. */
export function supportTable(targets: ConformanceTarget[]): string {
  const header = `| feature | ${targets.map((t) => t.name).join(' | ')} |`;
  const rule = `| --- | ${targets.map(() => '---').join(' | ')} |`;
  const rows = Object.entries(FEATURES).map(([feature, meta]) => {
    const cells = targets.map((t) => {
      if (meta.by === 'core') return 'core';
      const s = t.support[feature as keyof ConformanceTarget['support']];
      return s.reason ? `${s.level}: ${s.reason}` : s.level;
    });
    return `| ${feature}${meta.core ? '' : ' (optional)'} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
