/** The sandbox: run untrusted JavaScript in QuickJS with explicit bindings and hard limits. */
export { answerHostCall, type HostReply, toHostCallError } from './host-reply.ts';
export { createQuickJSSandbox, type QuickJSSandboxOptions } from './quickjs-runner.ts';
export * from './types.ts';
