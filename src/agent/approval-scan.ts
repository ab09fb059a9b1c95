/**
 * Whether a snippet may call an operation that needs approval (policy `requireApproval`), read from its
 * text: such a snippet runs as a dry run first, so its writes wait for a person instead of being refused.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { PolicyEngine } from '../policy/engine.ts';

export type ApprovalScan = (code: string, tenant: string) => boolean;

export function approvalScan(catalog: Catalog, policy: PolicyEngine | undefined): ApprovalScan {
  const byTenant = new Map<string, RegExp | null>();
  const patternFor = (tenant: string): RegExp | null => {
    if (!byTenant.has(tenant)) {
      const alternatives: string[] = [];
      for (const op of catalog.operations) {
        if (policy?.approvalRule(tenant, op, undefined) === undefined) continue;
        // `api.name(`, and `api[...]`, which may name any operation.
        alternatives.push(`\\b${escapeRegExp(op.api)}\\s*(?:\\.\\s*${escapeRegExp(op.name)}\\b|\\[)`);
      }
      byTenant.set(tenant, alternatives.length ? new RegExp(alternatives.join('|')) : null);
    }
    return byTenant.get(tenant)!;
  };
  return (code, tenant) => patternFor(tenant)?.test(code) ?? false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
