/** workerd's built-in module, as far as the checker Worker uses it (merges with test/runtimes/workerd's). */
declare module 'cloudflare:workers' {
  /** A Worker's RPC entrypoint: its public methods are callable through a service binding. */
  export class WorkerEntrypoint<Env = unknown> {
    constructor(ctx: never, env: never);
    protected env: Env;
  }
}
