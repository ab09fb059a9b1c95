/** JSON error bodies shared by every route: `{ ok: false, error: { kind, message } }`. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorKind } from '../execute/types.ts';

export type HttpErrorKind = ErrorKind | 'not_found' | 'unauthorized' | 'payload_too_large' | 'internal';

export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  kind: HttpErrorKind,
  message: string,
  extra?: Record<string, unknown>,
): Response {
  return c.json({ ok: false, error: { kind, message, ...extra } }, status);
}

/** A zod issue list as one readable line: `limit: Too big: expected number to be <=100`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}
