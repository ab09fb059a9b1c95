/**
 * The Node type-checker on its worker thread: the same diagnostics as on this thread, a catalog that
 * grows after the first check, and the ways the thread can fail (too slow, out of memory): the snippet
 * then runs with the syntax check alone, the failure is logged, and the next checker works.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import { type ThreadTypeChecker, threadTypeChecker } from '../adapters/node/typecheck-thread.ts';
import { buildApi, Catalog } from '../src/catalog/index.ts';
import { createDemoApi, demoDocument } from '../src/demo/tasks-api.ts';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { createTypeChecker } from '../src/typecheck/index.ts';
import { githubApi } from './support/github.ts';

const demo = () => buildApi(demoDocument(createDemoApi()), { source: 'demo', name: 'demo' });
const opened: ThreadTypeChecker[] = [];
const open = (catalog: Catalog, options: Parameters<typeof threadTypeChecker>[1] = {}) => {
  const checker = threadTypeChecker(catalog, options);
  opened.push(checker);
  return checker;
};
afterAll(async () => {
  await Promise.all(opened.map((checker) => checker.close()));
});

const SNIPPETS = [
  `const issue = await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 'Hi' } });\nreturn issue.number;`,
  `await github.issuesCraete({ owner: 'o', repo: 'r', body: { title: 't' } });`,
  `const repo = await github.reposGet({ owner: 'o' });\nreturn repo.stars;`,
  `const t = await demo.createTask({ body: { title: 'x' } });\nreturn t.id;`,
  `let best = null;\nfor (const n of [3, 1, 2]) if (best === null || n > best) best = n;\nreturn best;`,
];

describe('type-checker thread', () => {
  it('gives the diagnostics the checker gives on this thread', async () => {
    const catalog = new Catalog([await githubApi(), demo()]);
    const here = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    const thread = open(catalog);
    for (const code of SNIPPETS) expect(await thread.check(code)).toEqual(here.check(code));
    // Both a pass and each kind of catch are in the set.
    expect(here.check(SNIPPETS[0])).toEqual([]);
    expect(here.check(SNIPPETS[1])[0].message).toContain("Did you mean 'issuesCreate'?");
    expect(here.check(SNIPPETS[2]).length).toBeGreaterThan(0);
  });

  it('knows every operation of a catalog that crossed in parts, the last ones too', async () => {
    const github = await githubApi();
    const catalog = new Catalog([github]);
    const here = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    const thread = open(catalog, { warmChecks: 0 });
    const names = github.operations.map((op) => op.name);
    // The first, one in the middle and the last three: the last come in the last part.
    for (const name of [names[0], names[600], ...names.slice(-3)]) {
      const code = `const result = await github.${name}({ nope: 1 });\nreturn result;`;
      const diagnostics = await thread.check(code);
      expect(diagnostics).toEqual(here.check(code));
      expect(JSON.stringify(diagnostics)).not.toMatch(/does not exist on type|Did you mean/);
    }
  });

  it('warms up on the latest snippets once idle, and answers the checks made meanwhile as before', async () => {
    const catalog = new Catalog([await githubApi(), demo()]);
    const here = createTypeChecker(catalog, { libFiles: nodeLibFiles });
    const thread = open(catalog, { warmChecks: 60 });
    expect(await thread.stats()).toBeUndefined();
    for (const code of SNIPPETS) expect(await thread.check(code)).toEqual(here.check(code));
    let stats = await thread.stats();
    for (
      let waited = 0;
      stats !== undefined && stats.checks < SNIPPETS.length + 60 && waited < 300;
      waited++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await thread.stats();
    }
    // The checks asked for, and sixty more of the same snippets, several in a row over the same
    // operations: those are made by the kept checker, so fewer programs were built than checks made.
    expect(stats?.checks).toBe(SNIPPETS.length + 60);
    expect(stats!.programs).toBeLessThan(stats!.checks / 2);
    for (const code of SNIPPETS) expect(await thread.check(code)).toEqual(here.check(code));
  });

  it('is idle (a check would start at once on a loaded compiler) only between checks over the current catalog', async () => {
    const catalog = new Catalog([demo()]);
    const thread = open(catalog, { warmChecks: 0 });
    const code = `const t = await demo.createTask({ body: { title: 'x' } });\nreturn t.id;`;
    expect(thread.idle?.()).toBe(false);
    const first = thread.check(code);
    expect(thread.idle?.()).toBe(false);
    await first;
    expect(thread.idle?.()).toBe(true);
    const second = thread.check(code);
    expect(thread.idle?.()).toBe(false);
    await second;
    expect(thread.idle?.()).toBe(true);
    // A new API means new declarations: not idle again until a check over them has been answered.
    catalog.add(await githubApi());
    const third = thread.check(code);
    expect(thread.idle?.()).toBe(false);
    await third;
    expect(thread.idle?.()).toBe(true);
    await thread.close();
    expect(thread.idle?.()).toBe(false);
  });

  it('checks against APIs the catalog gained after the thread started', async () => {
    const catalog = new Catalog([demo()]);
    const thread = open(catalog);
    const code = `return await github.reposGet({ owner: 'o', repo: 'r' });`;
    expect((await thread.check(code))[0].message).toMatch(/github/);
    catalog.add(await githubApi());
    expect(await thread.check(code)).toEqual([]);
  });

  it('lets a snippet run unchecked when the thread takes too long, says so, and recovers', async () => {
    const lines: string[] = [];
    const thread = open(new Catalog([demo()]), { timeoutMs: 1, log: (line) => lines.push(line) });
    // The first check includes loading the compiler: far longer than 1 ms.
    expect(await thread.check('return demo.noSuchOperation();')).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /took longer than 1 ms and was stopped; 1 snippet\(s\) run with the syntax check only/,
    );
    const patient = open(new Catalog([demo()]));
    expect((await patient.check('return demo.noSuchOperation();'))[0].message).toContain('noSuchOperation');
  });

  it('lets a snippet run unchecked when the thread runs out of memory, and says so', async () => {
    const lines: string[] = [];
    const thread = open(new Catalog([demo()]), { heapMb: 4, log: (line) => lines.push(line) });
    expect(await thread.check('return demo.noSuchOperation();')).toEqual([]);
    expect(lines.join('\n')).toMatch(/type-checker thread (failed|exited)/);
  });

  it('ends the thread after idleMs without checks, and starts it again for the next check', async () => {
    const thread = open(new Catalog([demo()]), { idleMs: 300 });
    expect(thread.running()).toBe(false);
    expect((await thread.check('return demo.noSuchOperation();'))[0].message).toContain('noSuchOperation');
    expect(thread.running()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(thread.running()).toBe(false);
    expect((await thread.check('return demo.noSuchOperation();'))[0].message).toContain('noSuchOperation');
    expect(thread.running()).toBe(true);
  });

  it('is started by the first search, not by warming the server without it', async () => {
    let thread: ThreadTypeChecker | undefined;
    const duet = createDuet({
      apis: [demo()],
      sandbox: createQuickJSSandbox(),
      typeChecker: (catalog) => (thread = open(catalog)),
    });
    await duet.warm({ typeChecker: false });
    expect(thread!.running()).toBe(false);
    await duet.search('create a task');
    // Started after the search's own turn, so it does not delay the answer.
    expect(thread!.running()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(thread!.running()).toBe(true);
    // Warming a running thread sends it nothing more: the next check is the first it answers after `ready`.
    await thread!.warm();
    expect((await thread!.check('return demo.noSuchOperation();'))[0].message).toContain('noSuchOperation');
  });
});
