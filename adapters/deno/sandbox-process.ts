/** Subprocess entry of the Deno sandbox pool: pool messages as JSON lines on stdin and stdout. */
import { encodeLine, readLines } from '../../src/sandbox/line-channel.ts';
import { serveSandboxWorker } from '../../src/sandbox/worker-loop.ts';
import type { WorkerInit } from '../../src/sandbox/worker-protocol.ts';

declare const Deno: {
  args: string[];
  stdin: { readable: ReadableStream<Uint8Array> };
  stdout: { writeSync(data: Uint8Array): number };
  exit(code: number): never;
};

function post(message: unknown): void {
  let bytes = encodeLine(message);
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

await serveSandboxWorker(JSON.parse(Deno.args[0]) as WorkerInit, {
  post,
  // The pool closing stdin (or dying) ends this process, so no sandbox outlives its server.
  listen: (handler) => void readLines(Deno.stdin.readable, handler).finally(() => Deno.exit(0)),
});
