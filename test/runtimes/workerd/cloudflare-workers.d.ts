/** workerd's built-in module, as far as the conformance worker uses it. */
declare module 'cloudflare:workers' {
  export class DurableObject<Env = unknown> {
    constructor(ctx: never, env: never);
    protected ctx: unknown;
    protected env: Env;
  }
}
