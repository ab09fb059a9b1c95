/** Bearer tokens to tenants: SHA-256 digests compared in constant time. */
import { sha256 as digest } from '@noble/hashes/sha2.js';
import type { PolicyDocument } from '../policy/schema.ts';

export interface Authenticator {
  /** True when any token is configured: then every request must carry one. */
  readonly required: boolean;
  /**
   * The tenant an `Authorization: Bearer SECRET` header belongs to; undefined when it belongs to none.
   * Without configured tokens every request is the default tenant ''.
   */
  authenticate(authorization: string | null | undefined): Promise<string | undefined>;
}

const encoder = new TextEncoder();

/** In this thread: Web Crypto's digest goes through Node's thread pool, ~0.1 ms on every request. */
async function sha256(text: string): Promise<Uint8Array> {
  return digest(encoder.encode(text));
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * Digests of equal length compared without an early exit, and every configured digest compared, so the
 * time taken says nothing about how much of a token was right or which tenant's it was.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function createAuthenticator(policy: PolicyDocument): Authenticator {
  const entries: { tenant: string; token?: string; digest?: Uint8Array }[] = [];
  for (const [tenant, settings] of Object.entries(policy.tenants ?? {})) {
    for (const token of settings.tokens ?? []) entries.push({ tenant, token });
    for (const hex of settings.tokenSha256 ?? []) entries.push({ tenant, digest: fromHex(hex) });
  }
  let digests: Promise<{ tenant: string; digest: Uint8Array }[]> | undefined;
  const ready = () =>
    (digests ??= Promise.all(
      entries.map(async ({ tenant, token, digest }) => ({
        tenant,
        digest: digest ?? (await sha256(token!)),
      })),
    ));
  return {
    required: entries.length > 0,
    async authenticate(authorization) {
      if (entries.length === 0) return '';
      const presented = BEARER.exec(authorization ?? '')?.[1];
      if (presented === undefined) return undefined;
      const digest = await sha256(presented);
      let found: string | undefined;
      for (const entry of await ready()) {
        if (digestsEqual(entry.digest, digest) && found === undefined) found = entry.tenant;
      }
      return found;
    },
  };
}

/** The digest to put in a policy's `tokenSha256` for a token. */
export async function tokenDigest(token: string): Promise<string> {
  return [...(await sha256(token))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
