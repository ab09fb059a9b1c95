/** Policy as data: the file (JSON/YAML, errors at the field), and refusals before a call leaves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuet, type Duet } from '../src/duet.ts';
import type { ExecuteResponse } from '../src/execute/types.ts';
import { applyPolicyFlags, parsePolicy } from '../src/policy/load.ts';
import type { PolicyInput } from '../src/policy/schema.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { githubApi } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

const sandbox = createQuickJSSandbox();
let upstream: Upstream;
afterAll(async () => {
  await upstream?.close();
  await sandbox.close();
});
beforeAll(async () => {
  upstream = await startUpstream();
});

async function duetWith(policy: PolicyInput): Promise<Duet> {
  return createDuet({
    apis: [await githubApi()],
    sandbox,
    upstreams: { github: { baseUrl: upstream.url, headers: { Authorization: 'token s3cret-credential' } } },
    policy,
  });
}

const CREATE = `return await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'x' } });`;
const LIST = `return (await github.issuesListForRepo({ owner: 'octo', repo: 'hello' })).length;`;

/** Runs `code` and checks that nothing reached the upstream. */
async function refused(duet: Duet, code: string, tenant?: string): Promise<ExecuteResponse> {
  const before = upstream.received.length;
  const response = await duet.executor.execute({ code }, { tenant });
  expect(upstream.received.slice(before)).toEqual([]);
  expect(response).toMatchObject({ ok: false, error: { kind: 'policy' } });
  return response;
}

describe('the policy file', () => {
  it('reads YAML and JSON', () => {
    const yaml = parsePolicy(
      `
tenants:
  acme:
    tokens: [acme-token]
    apis: [github]
apis:
  github:
    readOnly: true
    deny:
      - { id: no-hooks, path: /repos/*/*/hooks/** }
rateLimit: { executionsPerMinute: 10 }
`,
      'policy.yaml',
    );
    expect(yaml.apis?.github.deny?.[0]).toEqual({ id: 'no-hooks', path: '/repos/*/*/hooks/**' });
    expect(parsePolicy('{"apis": {"github": {"allow": [{"method": "get"}]}}}', 'p.json')).toEqual({
      apis: { github: { allow: [{ method: 'GET' }] } },
    });
  });

  it('points at the bad field (and its line in YAML)', () => {
    expect(() => parsePolicy('apis:\n  github:\n    deny:\n      - method: FETCH\n', 'policy.yaml')).toThrow(
      /^policy\.yaml: apis\.github\.deny\[0\]\.method \(line 4\): expected one of GET/,
    );
    expect(() => parsePolicy('apis:\n  github:\n    readonly: true\n', 'p.yaml')).toThrow(
      /apis\.github \(line 3\): Unrecognized key: "readonly"/,
    );
    expect(() => parsePolicy('{"tenants": {"a b": {}}}', 'p.json')).toThrow(/tenants\.a b: tenant names/);
    expect(() => parsePolicy('{"rateLimit": {"callsPerMinute": 0}}', 'p.json')).toThrow(
      /rateLimit\.callsPerMinute: Too small/,
    );
    expect(() => parsePolicy('apis: [', 'p.yaml')).toThrow(/^p\.yaml:1:\d+: not valid YAML/);
    expect(() => parsePolicy('{"apis": ', 'p.json')).toThrow(/^p\.json: not valid JSON/);
    expect(() =>
      parsePolicy('{"apis": {"x": {"constraints": [{"args": {"a": {"pattern": "("}}}]}}}', 'p.json'),
    ).toThrow(/apis\.x\.constraints\[0\]\.args\.a\.pattern: not a valid regular expression/);
  });

  it('refuses names the catalog does not have', async () => {
    await expect(duetWith({ apis: { gihub: { readOnly: true } } })).rejects.toThrow(
      /policy: apis\.gihub: no API 'gihub' in the catalog \(it has: github\)/,
    );
    await expect(duetWith({ apis: { github: { deny: [{ operation: 'issuesCreat' }] } } })).rejects.toThrow(
      /apis\.github\.deny\[0\]\.operation: 'issuesCreat' is not an operation of github/,
    );
    await expect(duetWith({ tenants: { a: { apis: ['nope'] } } })).rejects.toThrow(/tenants\.a\.apis\[0\]/);
  });

  it('names the file and line of a name the catalog does not have, and suggests the operation', async () => {
    const yaml = [
      'apis:',
      '  github:',
      '    deny:',
      '      - operation: issuesCreat',
      'tenants:',
      '  a:',
      '    apis: [nope]',
    ];
    await expect(duetWith(parsePolicy(yaml.slice(0, 4).join('\n'), 'policy.yaml'))).rejects.toThrow(
      "policy.yaml: apis.github.deny[0].operation (line 4): 'issuesCreat' is not an operation of github (did you mean issuesCreate?)",
    );
    // Through the command-line flags (as `duet serve --policy F --read-only github` does) the file stays named.
    const withFlags = applyPolicyFlags(parsePolicy(yaml.join('\n'), 'policy.yaml'), { readOnly: ['github'] });
    await expect(duetWith({ ...withFlags, apis: {} })).rejects.toThrow(/tenants\.a\.apis\[0\]/);
    await expect(duetWith(withFlags)).rejects.toThrow(
      /^policy\.yaml: apis\.github\.deny\[0\]\.operation \(line 4\)/,
    );
    await expect(
      duetWith(applyPolicyFlags(parsePolicy(yaml.slice(4).join('\n'), 'p2.yaml'), {})),
    ).rejects.toThrow(/^p2\.yaml: tenants\.a\.apis\[0\] \(line 3\): no API 'nope'/);
  });

  it('takes the command-line shortcuts', () => {
    const policy = applyPolicyFlags(
      { tenants: { acme: { tokens: ['one'] } } },
      { tokens: ['acme=two', 'beta=three'], readOnly: ['github'], rateLimit: ['5', 'calls=50'] },
    );
    expect(policy).toEqual({
      tenants: { acme: { tokens: ['one', 'two'] }, beta: { tokens: ['three'] } },
      apis: { github: { readOnly: true } },
      rateLimit: { executionsPerMinute: 5, callsPerMinute: 50 },
    });
    expect(() => applyPolicyFlags({}, { tokens: ['nosecret'] })).toThrow(/--token/);
    expect(() => applyPolicyFlags({}, { rateLimit: ['fast'] })).toThrow(/--rate-limit fast/);
    expect(() => applyPolicyFlags({}, { tokens: ['a=x', 'b=x'] })).toThrow(/same token/);
  });
});

describe('refusals before a call leaves', () => {
  it('--read-only: a write never reaches the upstream, reads still do', async () => {
    const duet = await duetWith({ apis: { github: { readOnly: true } } });
    const response = await refused(duet, CREATE);
    expect(response.error).toMatchObject({ rule: 'apis.github.readOnly' });
    expect(response.error?.message).toMatch(
      /^policy: refused by rule 'apis\.github\.readOnly': github\.issuesCreate \(POST \/repos\/\{owner\}\/\{repo\}\/issues\) writes, and github is read-only/,
    );
    expect(response.calls).toEqual([
      {
        api: 'github',
        name: 'issuesCreate',
        method: 'POST',
        path: '/repos/{owner}/{repo}/issues',
        status: 0,
        durationMs: 0,
        outcome: 'refused',
        rule: 'apis.github.readOnly',
      },
    ]);
    const before = upstream.received.length;
    expect(await duet.executor.execute({ code: LIST })).toMatchObject({ ok: true, result: 0 });
    expect(upstream.received.length).toBe(before + 1);
  });

  it('ends the run even when the snippet catches the refusal', async () => {
    const duet = await duetWith({ apis: { github: { readOnly: true } } });
    await refused(duet, `try { ${CREATE} } catch { return 'caught'; }`);
  });

  it('deny rules by path pattern, method and tag name themselves; allow lists refuse the rest', async () => {
    const duet = await duetWith({
      apis: {
        github: {
          deny: [{ id: 'no-hooks', path: '/repos/*/*/hooks/**' }, { method: 'DELETE' }, { tag: 'orgs' }],
          allow: [{ operation: ['issues*', 'repos*'] }],
        },
      },
    });
    const hooks = await refused(duet, `return github.reposListWebhooks({ owner: 'o', repo: 'r' });`);
    expect(hooks.error?.rule).toBe('no-hooks');
    const del = await refused(duet, `return github.reposDelete({ owner: 'o', repo: 'r' });`);
    expect(del.error?.rule).toBe('apis.github.deny[1]');
    const orgs = await refused(duet, `return github.orgsGet({ org: 'o' });`);
    expect(orgs.error?.rule).toBe('apis.github.deny[2]');
    const user = await refused(duet, `return github.usersGetAuthenticated({});`);
    expect(user.error?.rule).toBe('apis.github.allow');
    expect((await duet.executor.execute({ code: LIST })).ok).toBe(true);
  });

  it('argument constraints', async () => {
    const duet = await duetWith({
      apis: {
        github: {
          constraints: [
            {
              id: 'own-org',
              operation: 'issues*',
              args: { owner: { enum: ['octo'] }, 'body.title': { maxLength: 20, pattern: '^[A-Z]' } },
            },
          ],
        },
      },
    });
    const other = await refused(duet, `return github.issuesListForRepo({ owner: 'evil', repo: 'r' });`);
    expect(other.error).toMatchObject({ rule: 'own-org' });
    expect(other.error?.message).toContain('argument owner is "evil", must be one of "octo"');
    const title = await refused(
      duet,
      `return github.issuesCreate({ owner: 'octo', repo: 'r', body: { title: 'lower case' } });`,
    );
    expect(title.error?.message).toContain('argument body.title is "lower case", must match /^[A-Z]/');
    const ok = await duet.executor.execute({
      code: `return (await github.issuesCreate({ owner: 'octo', repo: 'r', body: { title: 'Fine' } })).title;`,
    });
    expect(ok).toMatchObject({ ok: true, result: 'Fine' });
  });

  it('per tenant: which APIs, and read-only for one tenant only', async () => {
    const duet = await duetWith({
      tenants: {
        reader: { tokens: ['r-token'], readOnly: ['github'] },
        none: { tokens: ['n-token'], apis: [] },
        full: { tokens: ['f-token'] },
      },
    });
    const none = await refused(duet, LIST, 'none');
    expect(none.error).toMatchObject({ rule: 'tenants.none.apis' });
    const reader = await refused(duet, CREATE, 'reader');
    expect(reader.error).toMatchObject({ rule: 'tenants.reader.readOnly' });
    expect((await duet.executor.execute({ code: LIST }, { tenant: 'reader' })).ok).toBe(true);
    expect((await duet.executor.execute({ code: CREATE }, { tenant: 'full' })).ok).toBe(true);
  });

  it('calls that need approval are refused outside an approved plan', async () => {
    const duet = await duetWith({
      apis: { github: { requireApproval: [{ id: 'writes-need-approval', method: ['POST', 'PATCH'] }] } },
    });
    const response = await refused(duet, CREATE);
    expect(response.error?.rule).toBe('writes-need-approval');
    expect(response.error?.message).toContain('dryRun: true');
  });

  it('the policy file carries sandbox limits and the egress allowlist', async () => {
    const duet = await duetWith({
      limits: { maxCalls: 1 },
      egress: { allowFetch: [new URL(upstream.url).host] },
    });
    const limited = await duet.executor.execute({ code: `${LIST.replace('return', '')} ${LIST}` });
    expect(limited.error?.kind).toBe('limit');
    const fetched = await duet.executor.execute({
      code: `return (await fetch('${upstream.url}/text')).text();`,
    });
    expect(fetched).toMatchObject({ ok: true, result: 'plain words' });
    await expect(duetWith({ limits: { bogus: 1 } })).rejects.toThrow(/policy: limits: bogus=1/);
  });
});
