/** Conformance target for the Deno KV driver, with a writer child on the same Deno binary. */
import { denoKvDriver } from '../../../adapters/deno/kv-driver.ts';
import type { ConformanceTarget, WriterProcess } from '../../../src/testing/index.ts';

interface DenoChild {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  kill(signal: string): void;
  status: Promise<unknown>;
}
declare const Deno: {
  version: { deno: string };
  execPath(): string;
  makeTempDir(options: { prefix: string }): Promise<string>;
  remove(path: string, options: { recursive: boolean }): Promise<void>;
  Command: new (
    command: string,
    options: { args: string[]; stdout: 'piped'; stderr: 'piped' },
  ) => { spawn(): DenoChild };
};

export const KV_FILE = 'actors.kv';
const writerScript = new URL('./writer.ts', import.meta.url).pathname;

export function denoKvTarget(): ConformanceTarget {
  return {
    name: `deno-kv on Deno ${Deno.version.deno}`,
    support: {
      'ordered-kv': { level: 'native', reason: 'single-part string tuple keys order by UTF-8 bytes' },
      'atomic-batch': {
        level: 'emulated',
        reason: 'one atomic commit up to 1,000 keys / 800 KiB; larger writes go through duet’s redo log',
      },
      'large-values': { level: 'emulated', reason: 'values over 64 KiB are chunked by duet' },
      restart: { level: 'native' },
      durability: { level: 'native', reason: 'a resolved commit is in the KV store’s SQLite WAL' },
      'host-wake': {
        level: 'unsupported',
        reason: 'Deno.cron needs static schedules; due schedules fire when the system starts again',
      },
    },
    createPlace: () => Deno.makeTempDir({ prefix: 'duet-actors-deno-' }),
    open: (place) => denoKvDriver({ path: `${place}/${KV_FILE}` }),
    removePlace: (place) => Deno.remove(place, { recursive: true }),
    spawnWriter: (place) => spawnDenoWriter(place),
  };
}

function spawnDenoWriter(place: string): WriterProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', '--unstable-kv', writerScript, `${place}/${KV_FILE}`],
    stdout: 'piped',
    stderr: 'piped',
  }).spawn();
  let stderr = '';
  void child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(chunk) {
        stderr += chunk;
      },
    }),
  );
  let killed = false;
  async function* lines(): AsyncGenerator<string> {
    let buffered = '';
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      yield* parts;
    }
  }
  return {
    lines: lines(),
    async kill() {
      if (!killed) {
        killed = true;
        try {
          child.kill('SIGKILL');
        } catch {
          // Already exited.
        }
      }
      await child.status;
    },
    stderr: () => stderr,
  };
}
