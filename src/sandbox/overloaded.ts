/** The one error a sandbox pool rejects a run with: no worker free and no room to wait. */

export class SandboxOverloadedError extends Error {
  override name = 'SandboxOverloadedError';
  /** When a worker is likely to be free again; HTTP sends it as `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Also recognises the error across module copies (e.g. source and dist loaded side by side). */
export function isSandboxOverloaded(error: unknown): error is SandboxOverloadedError {
  return (
    error instanceof SandboxOverloadedError ||
    (error instanceof Error &&
      error.name === 'SandboxOverloadedError' &&
      typeof (error as SandboxOverloadedError).retryAfterSeconds === 'number')
  );
}
