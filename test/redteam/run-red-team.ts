/** Runs every red-team case against a real `duet serve --runtime RUNTIME`, checking /healthz after each. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type ServerProcess, startServer } from '../support/cli.ts';
import { cases, type Expectation, type RedTeamCase } from './cases.ts';
import { type Server, scenarios } from './scenarios.ts';
import { CREDENTIAL, type Outside, startOutside } from './upstream.ts';
import type { Declared } from './workerd-declared.ts';

const spec = fileURLToPath(new URL('./echo-api.json', import.meta.url));

/** Enough of a response to see what went wrong, without megabytes of a flood in the report. */
const show = (value: unknown) => JSON.stringify(value)?.slice(0, 400);

function check(expectation: Expectation, body: any): void {
  if ('ok' in expectation) {
    expect(body.error, show(body.error)).toBeUndefined();
    expect(body.ok).toBe(true);
    if (expectation.result instanceof RegExp) expect(String(body.result)).toMatch(expectation.result);
    else if ('result' in expectation) expect(body.result).toEqual(expectation.result);
    return;
  }
  expect(body.ok, show(body)).toBe(false);
  const kinds = Array.isArray(expectation.kind) ? expectation.kind : [expectation.kind];
  expect(kinds, `kind of ${show(body.error)}`).toContain(body.error?.kind);
  if (typeof expectation.message === 'string') expect(body.error.message).toBe(expectation.message);
  else if (expectation.message) expect(body.error.message).toMatch(expectation.message);
}

export interface RedTeamTarget {
  /** More `duet serve` flags (e.g. `--sandbox loader`). */
  args?: string[];
  /** Cases that cannot hold on this target, and what is checked instead: printed with the run. */
  declared?: Declared;
}

export function redTeam(runtime: 'node' | 'bun' | 'deno' | 'workerd', target: RedTeamTarget = {}): void {
  const title = ['duet serve --runtime', runtime, ...(target.args ?? [])].join(' ');
  const skip = target.declared?.skip ?? {};
  const differs = target.declared?.differs ?? {};
  const titles = new Set([...cases, ...scenarios].map((c) => `${c.group}: ${c.name}`));
  const unknown = [...Object.keys(skip), ...Object.keys(differs)].filter((name) => !titles.has(name));
  if (unknown.length)
    throw new Error(`declared for ${title} but no such red-team case: ${unknown.join('; ')}`);

  describe(`red team against ${title}`, () => {
    let outside: Outside;
    let process: ServerProcess;
    let server: Server;
    let dataDir: string | undefined;

    beforeAll(async () => {
      assertBuilt();
      const notes = [
        ...Object.entries(skip).map(([name, why]) => `  skipped  ${name}: ${why}`),
        ...Object.entries(differs).map(([name, d]) => `  differs  ${name}: ${d.reason}`),
      ];
      if (notes.length) console.warn(`red team against ${title}: declared\n${notes.join('\n')}`);
      outside = await startOutside();
      const port = outside.port;
      // workerd keeps its objects under --data; give each run its own.
      dataDir = runtime === 'workerd' ? mkdtempSync(join(tmpdir(), 'duet-redteam-')) : undefined;
      process = await startServer([
        ...['--runtime', runtime, '--spec', `echo=${spec}`, '--base-url', `echo=http://127.0.0.1:${port}`],
        ...['--header', `echo=Authorization: ${CREDENTIAL}`, '--allow-fetch', `localhost:${port}`],
        ...['--sandbox-limit', 'workers=10', '--sandbox-limit', 'queue=2'],
        ...(dataDir ? ['--data', dataDir] : []),
        ...(target.args ?? []),
      ]);
      server = {
        async execute(body) {
          // The sandbox is under test, not the type-checker: send every snippet to it.
          const response = await fetch(`${process.url}/v1/execute`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ typecheck: false, ...body }),
          });
          return {
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            body: await response.json(),
          };
        },
        health: async () => (await fetch(`${process.url}/healthz`)).status,
      };
    });

    afterAll(async () => {
      await process?.stop();
      await outside?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const code = (c: RedTeamCase) =>
      c.code
        .replaceAll('$ORIGIN', `http://localhost:${outside.port}`)
        .replaceAll('$PORT', String(outside.port));

    for (const c of cases) {
      const name = `${c.group}: ${c.name}`;
      if (skip[name]) {
        it.skip(`${name} [declared: ${skip[name]}]`, () => {});
        continue;
      }
      const instead = differs[name];
      it(instead ? `${name} [declared: ${instead.reason}]` : name, async () => {
        const before = outside.seen.length;
        const { status, body } = await server.execute({ code: code(c), timeoutMs: c.timeoutMs ?? 2000 });
        expect(status, show(body)).toBe(200);
        check(instead?.expect ?? c.expect, body);
        const text = JSON.stringify(body);
        for (const absent of c.absent ?? [])
          expect(text.includes(absent), `'${absent}' in ${show(body)}`).toBe(false);
        const reached = outside.seen.slice(before).map((url) => new URL(url, 'http://x').pathname);
        for (const path of c.unseen ?? []) expect(reached).not.toContain(path);
        expect(await server.health()).toBe(200);
      });
    }

    for (const s of scenarios) {
      const name = `${s.group}: ${s.name}`;
      if (skip[name]) {
        it.skip(`${name} [declared: ${skip[name]}]`, () => {});
        continue;
      }
      it(name, async () => {
        await s.run(server);
        expect(await server.health()).toBe(200);
      });
    }
  });
}
