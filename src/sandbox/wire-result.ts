/** A run's outcome as it leaves the sandbox (result still JSON text), and its conversion to a RunResult. */
import type { RunResult, SandboxErrorKind } from './types.ts';

export type WireRunResult =
  | { ok: true; resultJson: string | undefined; logs: string[]; durationMs: number }
  | { ok: false; error: { kind: SandboxErrorKind; message: string }; logs: string[]; durationMs: number };

/** Parses the result on the caller's side; the sandbox already checked its size and depth. */
export function toRunResult(wire: WireRunResult): RunResult {
  if (!wire.ok) return wire;
  const { resultJson, logs, durationMs } = wire;
  return {
    ok: true,
    result: resultJson === undefined ? undefined : JSON.parse(resultJson),
    logs,
    durationMs,
  };
}
