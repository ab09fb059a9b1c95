/** Subprocess entry of the Bun sandbox pool: pool messages as JSON lines on stdin and stdout. */
import { encodeLine, readLines } from '../../src/sandbox/line-channel.ts';
import { serveSandboxWorker } from '../../src/sandbox/worker-loop.ts';
import type { WorkerInit } from '../../src/sandbox/worker-protocol.ts';

declare const Bun: { stdin: { stream(): ReadableStream<Uint8Array> } };
declare const process: {
  argv: string[];
  stdout: { write(data: Uint8Array): boolean };
  exit(code: number): never;
};

await serveSandboxWorker(JSON.parse(process.argv[2]) as WorkerInit, {
  post: (message) => process.stdout.write(encodeLine(message)),
  // The pool closing stdin (or dying) ends this process, so no sandbox outlives its server.
  listen: (handler) => void readLines(Bun.stdin.stream(), handler).finally(() => process.exit(0)),
});
