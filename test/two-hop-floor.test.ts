/**
 * bench/two-hop-floor.mjs, the floor of the execute path without duet's code (README, Performance): each
 * mode really answers over HTTP through a worker thread, and the script leaves no process behind.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../bench/two-hop-floor.mjs', import.meta.url));

describe('two-hop floor script', () => {
  it('measures each mode against /healthz on the same server and exits', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script, 'echo', 'reuse', 'fresh'], {
      env: { ...process.env, FLOOR_SAMPLES: '40', FLOOR_WARMUP: '10' },
      timeout: 60_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['echo', 'reuse', 'fresh']);
    for (const line of lines) {
      const [, healthz, run, ratio] =
        /healthz (\d+) µs {2}run (\d+) µs {2}run\/healthz ([\d.]+)x/.exec(line) ?? [];
      expect(Number(healthz)).toBeGreaterThan(0);
      expect(Number(run)).toBeGreaterThan(0);
      expect(Number(ratio)).toBeCloseTo(Number(run) / Number(healthz), 1);
    }
  });
});
