/**
 * `duet bench --quick` (what CI runs) on one runtime into a scratch directory: it finishes and writes a
 * JSON that parses, the Markdown tables and well-formed SVG charts. No thresholds: figures on a shared
 * machine say nothing a test should judge.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './support/cli.ts';

beforeAll(assertBuilt);

const out = mkdtempSync(join(tmpdir(), 'duet-bench-quick-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Tags open and close in order (a small check; the charts are hand-written SVG). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

describe('duet bench --quick', () => {
  it('writes the JSON, the tables and the charts', { timeout: 240_000 }, async () => {
    const { code, stdout, stderr } = await runCli(['bench', '--quick', '--runtime', 'node20', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('# duet benchmark (quick run');

    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['latest.json', 'latest.md']));
    expect(files.some((f) => /^\d{4}-\d\d-\d\dT.*-quick\.json$/.test(f))).toBe(true);

    const result = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(result.mode).toBe('quick');
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.runtimes.map((r: { id: string }) => r.id)).toEqual(['node20']);
    const node = result.runtimes[0];
    expect(node.errors).toEqual([]);
    expect(node.coldStart.direct[0]).toBeGreaterThan(0);
    expect(node.rounds[0].latency.trivial.n).toBeGreaterThan(0);
    expect(node.rounds[0].load.requests).toBeGreaterThan(0);
    expect(node.memory.leak.points.length).toBeGreaterThan(1);
    expect(result.skipped.map((s: { name: string }) => s.name)).toContain('sandbox peers');

    const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
    for (const heading of ['Targets', 'Cold start', 'Latency', 'Throughput', 'Memory', 'CPU-bound'])
      expect(markdown).toContain(heading);

    const charts = files.filter((f) => f.endsWith('.svg'));
    expect(charts).toEqual(
      expect.arrayContaining(['cold-start.svg', 'execute-latency.svg', 'throughput.svg']),
    );
    for (const chart of charts) {
      const svg = readFileSync(join(out, chart), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), chart).toBe(true);
      expect(wellFormed(svg), chart).toBe(true);
    }
  });
});
