/** Type-checking snippets against GitHub's real spec and the demo API, alone and through the executor. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { createNodeTypeChecker } from '../adapters/node/typecheck.ts';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import { buildApi, Catalog } from '../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../src/demo/tasks-api.ts';
import { createDuet, type Duet } from '../src/duet.ts';
import type { TypeChecker } from '../src/execute/types.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { unknownAsAny } from '../src/typecheck/api-declarations.ts';
import { createTypeChecker, editDistance, type SyncTypeChecker } from '../src/typecheck/index.ts';
import { githubApi } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

let checker: SyncTypeChecker;
const messages = (code: string, fetch = false) => checker.check(code, { fetch }).map((d) => d.message);

beforeAll(async () => {
  const demo = buildApi(demoDocument(createDemoApi()), { source: 'demo', name: 'demo' });
  checker = createTypeChecker(new Catalog([await githubApi(), demo]), { libFiles: nodeLibFiles });
});

const CREATE = `const issue = await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'Hi' } });`;

describe('type-checking against GitHub and the demo API', () => {
  it('passes correct snippets, including plain-JavaScript habits', () => {
    expect(checker.check(`${CREATE}\nreturn issue.number;`)).toEqual([]);
    expect(
      checker.check(`
        const t = await demo.createTask({ body: { title: 'Try duet' } });
        await demo.updateTask({ id: t.id, body: { done: true } });
        return demo.listTasks({ done: 'true' });`),
    ).toEqual([]);
    expect(
      checker.check(`
        function titles(list) { return list.map((i) => i.title); }
        const list = await github.issuesListForRepo({ owner: 'o', repo: 'r', state: 'open', per_page: 50 });
        try { await github.reposGet({ owner: 'o', repo: 'r' }); } catch (e) { return e.status; }
        const { issuesGet } = github;
        const one = await issuesGet({ owner: 'o', repo: 'r', issue_number: 1 });
        return { titles: titles(list), one: one.title, names: Object.getOwnPropertyNames(globalThis) };`),
    ).toEqual([]);
  });

  it('suggests the operation for a misspelt or guessed name', () => {
    expect(messages(`await github.issuesCraete({ owner: 'o', repo: 'r', body: { title: 't' } });`)).toEqual([
      "Property 'issuesCraete' does not exist on type 'typeof github'. Did you mean 'issuesCreate'?",
    ]);
    const [guessed] = messages(`await github.createIssue({ owner: 'o', repo: 'r', body: { title: 't' } });`);
    expect(guessed).toMatch(
      /^Property 'createIssue' does not exist on type 'typeof github'\. Did you mean 'issuesCreate'/,
    );
    expect(messages(`return demo.listTask();`)[0]).toContain("Did you mean 'listTasks'?");
    // Another operation named in the same snippet does not narrow the suggestions to it.
    expect(
      messages(`await github.reposGet({ owner: 'o', repo: 'r' });\nawait github.issuesCraete({});`),
    ).toEqual([
      "Property 'issuesCraete' does not exist on type 'typeof github'. Did you mean 'issuesCreate'?",
    ]);
    expect(messages(`return githb.reposGet({ owner: 'o', repo: 'r' });`)[0]).toContain(
      "Did you mean 'github'?",
    );
  });

  it('says what to do: SDK-style calls, argument counts, missing await, the fields that exist', () => {
    expect(
      messages(`return await github.issues.create({ owner: 'o', repo: 'r', body: { title: 't' } });`)[0],
    ).toMatch(/Did you mean 'issuesCreate'\? Each operation is a method of github itself/);
    expect(messages(`return await github.rest.repos.get({ owner: 'o', repo: 'r' });`)[0]).toMatch(
      /Did you mean 'reposGet'\?/,
    );
    expect(messages(`return await github.reposGet('o', 'r');`)[0]).toBe(
      'Expected 1 arguments, but got 2. github.reposGet takes one argument object (path, query and header ' +
        'parameters by name, the request body under `body`): reposGet(args: { owner: string; repo: string }): ' +
        'Promise<github.FullRepository>',
    );
    expect(messages(`const tasks = demo.listTasks();\nreturn tasks.length;`)).toEqual([
      "Property 'length' does not exist on type 'Promise<Task[]>'. The value is a Promise: did you forget `await`?",
    ]);
    const [username] = messages(`const me = await github.usersGetAuthenticated();\nreturn me.username;`);
    expect(username).toMatch(
      /^Property 'username' does not exist on type 'PrivateUser \| PublicUser'\. Fields it has, closest first: [^.]*\blogin\b/,
    );
    // Past the size budget fields are still named, so a misspelt one is an error.
    expect(
      messages(`const r = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn r.stargazers;`)[0],
    ).toMatch(
      /^Property 'stargazers' does not exist on type 'FullRepository'\. Fields it has, closest first: stargazers_url, stargazers_count/,
    );
    expect(messages(`return 'x'.nope;`)).toEqual(["Property 'nope' does not exist on type '\"x\"'."]);
  });

  it('catches missing required parameters, in the arguments and in the body', () => {
    const [noBody] = messages(`await github.issuesCreate({ owner: 'o', repo: 'r' });`);
    expect(noBody).toContain("Property 'body' is missing");
    const [noTitle] = messages(`await github.issuesCreate({ owner: 'o', repo: 'r', body: {} });`);
    expect(noTitle).toContain("Property 'title' is missing");
    expect(messages(`await github.reposGet({ owner: 'o' });`)[0]).toContain("Property 'repo' is missing");
    expect(messages(`await demo.createTask({ body: {} });`)[0]).toContain("'title'");
    expect(
      messages(`await github.issuesListForRepo({ owner: 'o', repo: 'r', state: 'opened' });`)[0],
    ).toContain('"opened"');
  });

  it('catches a response used with the wrong type', () => {
    expect(messages(`const n: string = (${CREATE.slice(14, -1)}).number;`)).toEqual([
      "Type 'number' is not assignable to type 'string'.",
    ]);
    expect(messages(`${CREATE}\nreturn issue.nubmer;`)[0]).toContain("Did you mean 'number'?");
    expect(messages(`const tasks = await demo.listTasks();\nreturn tasks.toUpperCase();`)[0]).toContain(
      "Property 'toUpperCase' does not exist",
    );
  });

  it("reports the snippet's own lines and columns", () => {
    const diagnostics = checker.check(`const a = 1;\n\n  ${CREATE}\nreturn issue.nubmer;`);
    expect(diagnostics.map((d) => [d.line, d.column])).toEqual([[4, 14]]);
    expect(checker.check(`const x: number = 'a';`)[0]).toMatchObject({ line: 1, column: 7 });
  });

  it('types state and console, and fetch only when enabled', () => {
    const code = `
      const count: number = (await state.get('count')) ?? 0;
      await state.put('count', count + 1);
      const all: Record<string, any> = await state.list({ prefix: 'c', limit: 5 });
      const gone: boolean = await state.delete('count');
      console.log('n', count); console.warn(all, gone);`;
    expect(checker.check(code)).toEqual([]);
    expect(messages(`await state.set('a', 1);`)[0]).toContain("Property 'set' does not exist");
    expect(messages(`console.table([]);`)[0]).toContain("Property 'table' does not exist");
    const fetchCode = `const r = await fetch('https://example.com', { headers: { a: 'b' } });\nreturn r.ok ? r.json() : r.status;`;
    expect(messages(fetchCode)[0]).toMatch(/^Cannot find name 'fetch'\..*--allow-fetch/);
    expect(checker.check(fetchCode, { fetch: true })).toEqual([]);
    expect(messages(`return (await fetch('https://x')).blob();`, true)[0]).toContain("'blob' does not exist");
  });

  it('has no DOM or Node globals, as the sandbox has none, but lets code probe for them with typeof', () => {
    for (const name of ['document', 'window', 'process', 'require', 'setTimeout', 'Buffer']) {
      expect(messages(`return ${name}.x;`).join()).toContain(`Cannot find name '${name}'`);
      expect(messages(`return typeof ${name} === 'object' && ${name}.x;`)).toEqual([]);
      expect(
        messages(`if (typeof ${name} !== 'undefined') { return ${name}.x; }\nreturn ${name}.y;`).join(),
      ).toMatch(new RegExp(`^Cannot find name '${name}'`));
    }
  });

  it('follows APIs added to the catalog after the checker was made', async () => {
    const catalog = new Catalog();
    const late = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    expect(late.check(`return demo.listTasks();`)[0].message).toContain("Cannot find name 'demo'");
    catalog.add(buildApi(demoDocument(createDemoApi()), { source: 'demo', name: 'demo' }));
    expect(late.check(`return demo.listTasks();`)).toEqual([]);
  });

  it('reads responses the spec leaves untyped as any, and keeps "unknown" in names and strings', () => {
    expect(
      unknownAsAny(`f(a: unknown): Promise<unknown>; x: { unknown: "unknown" | unknown[] }; // unknown`),
    ).toBe(`f(a: any): Promise<any>; x: { unknown: "unknown" | any[] }; // unknown`);
  });

  it('gives the same diagnostics with every declaration evicted between checks as with all kept', async () => {
    // Two sets of operations reaching shared types (SimpleUser, Repository...), each with a field mistake
    // in a shared type and a correct read: the type files kept for one set must serve the other.
    const snippets = [
      `const issue = await github.issuesGet({ owner: 'o', repo: 'r', issue_number: 1 });\nreturn [issue.user.login, issue.user.loginn];`,
      `const pr = await github.pullsGet({ owner: 'o', repo: 'r', pull_number: 1 });\nreturn [pr.user.login, pr.head.repo.full_nam];`,
      `const repo = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn repo.owner.login;`,
    ];
    const kept = createTypeChecker(new Catalog([await githubApi()]), { libFiles: nodeLibFiles });
    const evicting = createTypeChecker(new Catalog([await githubApi()]), {
      libFiles: nodeLibFiles,
      cacheSize: 1,
      cacheChars: 0,
    });
    const expected = snippets.map((code) => kept.check(code).map((d) => d.message));
    expect(expected[0]).toEqual([expect.stringContaining("Property 'loginn' does not exist")]);
    expect(expected[1]).toEqual([expect.stringContaining("Property 'full_nam' does not exist")]);
    expect(expected[2]).toEqual([]);
    for (const order of [
      [0, 1, 2],
      [2, 1, 0, 1, 0],
    ]) {
      for (const i of order) expect(evicting.check(snippets[i]!).map((d) => d.message)).toEqual(expected[i]);
    }
  });

  it('keeps a checker per set of operations, so snippets alternating between sets reuse theirs', async () => {
    const catalog = new Catalog([await githubApi()]);
    const fresh = createTypeChecker(catalog, { libFiles: nodeLibFiles, checksPerProgram: 1 });
    const sets = [
      `const repo = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn [repo.full_name, repo.stargazers_cont];`,
      `const pr = await github.pullsGet({ owner: 'o', repo: 'r', pull_number: 1 });\nreturn pr.state;`,
      `const me = await github.usersGetAuthenticated();\nreturn me.login;`,
    ];
    const round = (checker: ReturnType<typeof createTypeChecker>, times: number) => {
      for (let i = 0; i < times; i++)
        for (const [n, code] of sets.entries()) {
          const snippet = `${code}\n// ${i}`;
          expect(checker.check(snippet), `set ${n}, round ${i}`).toEqual(fresh.check(snippet));
        }
    };
    const keeping = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    round(keeping, 4);
    // One program per set; every later snippet was checked by its set's kept checker.
    expect(keeping.stats()).toEqual({ checks: 12, programs: 3 });
    expect(fresh.check(`${sets[0]}\n// 0`).map((d) => d.message)).toEqual([
      expect.stringContaining("Property 'stargazers_cont' does not exist"),
    ]);
    // Fewer programs kept than sets in rotation: the least recently used is gone when its set comes back.
    const bounded = createTypeChecker(catalog, { libFiles: nodeLibFiles, keptPrograms: 2 });
    round(bounded, 4);
    expect(bounded.stats()).toEqual({ checks: 12, programs: 12 });
  });

  it('checks snippets the kept checker cannot take the way a program built for them does', async () => {
    const catalog = new Catalog([await githubApi()]);
    const fresh = createTypeChecker(catalog, { libFiles: nodeLibFiles, checksPerProgram: 1 });
    const kept = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    const get = `const repo = await github.reposGet({ owner: 'o', repo: 'r' });`;
    const cases = [
      // Closes the wrapper and declares at the top level: a global the kept checker never merged.
      `${get}\nreturn repo.name;\n})();\nconst top = 1;\n(async () => {\nreturn top + repo.nam;`,
      `${get}\n// @ts-expect-error\nreturn repo.nam;`,
      `${get}\n// @ts-expect-error\nreturn repo.name;`,
      `${get}\nreturn repo.name +;`,
      `${get}\nmodule.exports = repo.nam;`,
    ];
    for (const code of cases) {
      kept.check(`${get}\nreturn 1;`);
      expect(kept.check(code)).toEqual(fresh.check(code));
    }
    expect(kept.check(`${get}\nreturn repo.nam;`).map((d) => d.message)).toEqual([
      expect.stringContaining("Property 'nam' does not exist"),
    ]);
    // The first check built a program; each case then built its own (those are the fallbacks), and the
    // correct snippets between them, over the same operations, used the program kept.
    expect(kept.stats()).toEqual({ checks: 2 * cases.length + 1, programs: cases.length + 1 });
  });

  it('measures edit distance with transpositions', () => {
    expect(editDistance('issuesCraete', 'issuesCreate')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe.each([
  ['in process (QuickJS on this thread)', () => createQuickJSSandbox()],
  // As `duet serve` runs: once the checker thread is loaded, runs start beside their checks.
  ['on the worker pool', () => createWorkerSandbox({ size: 2 })],
])('type-checking in the executor, %s', (_name, makeSandbox) => {
  let upstream: Upstream;
  let duet: Duet;
  let checker: TypeChecker;
  const sandbox = makeSandbox();

  beforeAll(async () => {
    upstream = await startUpstream();
    duet = createDuet({
      apis: [await githubApi()],
      sandbox,
      upstreams: { github: { baseUrl: upstream.url } },
      typeChecker: (catalog) => {
        checker = createNodeTypeChecker(catalog);
        return checker;
      },
    });
    // Loads the checker and starts a sandbox worker: a run beside its check then gets to its call at once.
    expect(await duet.executor.execute({ code: 'return 0;' })).toMatchObject({ ok: true, result: 0 });
  }, 60_000);
  afterAll(async () => {
    await upstream.close();
    await sandbox.close();
  });

  it('rejects ill-typed code with kind typecheck and makes no upstream call', async () => {
    for (const code of [
      `await github.issuesCraete({ owner: 'o', repo: 'r', body: { title: 't' } });`,
      `await github.issuesCreate({ owner: 'o', repo: 'r', body: {} });`,
      `const n: string = (await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 't' } })).number;`,
    ]) {
      const response = await duet.executor.execute({ code });
      // Each check after the first finds the thread idle: on the pool the run started beside it.
      expect(checker.idle?.()).toBe(true);
      expect(response.ok).toBe(false);
      expect(response.error?.kind).toBe('typecheck');
      expect(response.error?.message).toBe(response.error?.diagnostics?.[0].message);
      expect(response.error?.diagnostics?.[0].line).toBe(1);
      expect(response.calls).toEqual([]);
    }
    expect(upstream.received).toEqual([]);
  });

  it('runs well-typed code, and `typecheck: false` skips the check', async () => {
    const ok = await duet.executor.execute({ code: `${CREATE}\nreturn issue.number;` });
    expect(ok).toMatchObject({ ok: true, result: 1 });
    const unchecked = await duet.executor.execute({
      code: `const n: string = (${CREATE.slice(14, -1)}).number;\nreturn n;`,
      typecheck: false,
    });
    expect(unchecked).toMatchObject({ ok: true, result: 2 });
    expect(upstream.received.length).toBe(2);
    const bad = await duet.executor.execute({ code: 'return 1', typecheck: 'no' as never });
    expect(bad.error?.kind).toBe('bad_request');
  });

  it('accepts typecheck over HTTP', async () => {
    const response = await duet.app.request('/v1/execute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'const x: number = "a"; return x;', typecheck: true }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { error: { kind: string } }).error.kind).toBe('typecheck');
  });
});
