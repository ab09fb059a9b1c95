/** Runs the conformance suite inside workerd (Miniflare) and prints one JSON line of results: `node run.ts [filter]`. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Miniflare, type Request, Response } from 'miniflare';
import type { CaseResult } from '../../../src/testing/index.ts';
import { printResults } from '../print-results.ts';
import { conformanceOptions } from './conformance-miniflare.ts';

const writerScript = fileURLToPath(new URL('./writer.ts', import.meta.url));
const persistDir = mkdtempSync(join(tmpdir(), 'duet-workerd-conformance-'));
const writers = new Map<string, { child: ChildProcess; stderr: string; gone: Promise<void> }>();

/** The writer runs in its own process group: one SIGKILL takes Node, workerd and all, mid-write. */
function spawnWriter(place: string): Response {
  const child = spawn(process.execPath, [...process.execArgv, writerScript, persistDir, place], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { child, stderr: '', gone: new Promise<void>((done) => child.once('exit', () => done())) };
  child.stderr!.on('data', (chunk) => {
    entry.stderr += chunk;
  });
  writers.set(place, entry);
  return new Response(Readable.toWeb(child.stdout!) as ReadableStream);
}

async function killWriter(place: string): Promise<Response> {
  const entry = writers.get(place);
  if (!entry) return new Response(`no writer for ${place}`, { status: 404 });
  writers.delete(place);
  try {
    process.kill(-entry.child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await entry.gone;
  await groupGone(entry.child.pid!);
  return new Response(entry.stderr);
}

/** workerd must have let go of the SQLite files before this process's workerd opens them. */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

const mf = new Miniflare({
  ...(await conformanceOptions(persistDir)),
  serviceBindings: {
    async NODE(request: Request) {
      const url = new URL(request.url);
      const place = url.searchParams.get('place') ?? '';
      if (url.pathname === '/spawn') return spawnWriter(place);
      if (url.pathname === '/kill') return killWriter(place);
      return new Response('not found', { status: 404 });
    },
  },
});

try {
  const only = process.argv[2];
  const response = await mf.dispatchFetch(
    `http://runner/run${only ? `?only=${encodeURIComponent(only)}` : ''}`,
  );
  const output = (await response.json()) as { target: string; results: CaseResult[] };
  for (const r of output.results) {
    process.stderr.write(
      `${r.status.padEnd(7)} ${r.name} (${r.ms} ms)${r.status === 'failed' ? `\n${r.message}` : ''}\n`,
    );
  }
  printResults(`${output.target} ${await workerdVersion()}`, output.results, (line) =>
    process.stdout.write(`${line}\n`),
  );
} finally {
  for (const place of writers.keys()) await killWriter(place);
  await mf.dispose();
  rmSync(persistDir, { recursive: true, force: true });
}

async function workerdVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.resolve('miniflare'));
  return (require('workerd') as { version: string }).version;
}
