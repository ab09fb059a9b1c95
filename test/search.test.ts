/** Search building blocks (tokeniser, stemmer, vocabulary, query analysis) and the index contract. */
import { describe, expect, it } from 'vitest';
import type { HttpMethod, Operation } from '../src/catalog/types.ts';
import { analyzeQuery, createSearchIndex, indexTerms, splitWords, stem } from '../src/search/index.ts';
import { githubApi } from './support/github.ts';
import { githubOperations } from './support/github-ops.ts';

function op(
  api: string,
  name: string,
  method: HttpMethod,
  path: string,
  summary: string,
  extra: Partial<Operation> = {},
): Operation {
  return {
    api,
    name,
    operationId: name,
    method,
    path,
    summary,
    description: '',
    tags: [],
    deprecated: false,
    parameters: [],
    ...extra,
  };
}

const PETSTORE: Operation[] = [
  op('petstore', 'listPets', 'get', '/pets', 'List all pets', { tags: ['pets'] }),
  op('petstore', 'createPets', 'post', '/pets', 'Create a pet', { tags: ['pets'] }),
  op('petstore', 'showPetById', 'get', '/pets/{petId}', 'Info for a specific pet', { tags: ['pets'] }),
  op('petstore', 'updatePet', 'put', '/pets/{petId}', 'Update a pet', { tags: ['pets'] }),
  op('petstore', 'deletePet', 'delete', '/pets/{petId}', 'Deletes a pet', { tags: ['pets'] }),
  op('petstore', 'listOwners', 'get', '/owners', 'List pet owners'),
];
const CRM: Operation[] = [
  op('crm', 'listContacts', 'get', '/contacts', 'List contacts'),
  op('crm', 'createContact', 'post', '/contacts', 'Create a contact'),
  op('crm', 'deleteContact', 'delete', '/contacts/{id}', 'Delete a contact'),
];

describe('splitWords', () => {
  it('splits identifiers of every casing style into lowercase words', () => {
    expect(splitWords('issuesCreate')).toEqual(['issues', 'create']);
    expect(splitWords('ListForRepo')).toEqual(['list', 'for', 'repo']);
    expect(splitWords('list_for_repo list-for-repo')).toEqual(['list', 'for', 'repo', 'list', 'for', 'repo']);
    expect(splitWords('HTTPServer getV2Data XMLHttpRequest')).toEqual([
      'http',
      'server',
      'get',
      'v2',
      'data',
      'xml',
      'http',
      'request',
    ]);
  });

  it('keeps acronym plurals whole', () => {
    expect(splitWords('list PRs and APIs, userIDs')).toEqual(['list', 'prs', 'and', 'apis', 'user', 'ids']);
  });

  it('splits path templates into segments and parameter names', () => {
    expect(splitWords('/repos/{owner}/{repo}/issues')).toEqual(['repos', 'owner', 'repo', 'issues']);
  });

  it('keeps words of other scripts whole', () => {
    expect(splitWords('créer un problème issuesCreate')).toEqual([
      'créer',
      'un',
      'problème',
      'issues',
      'create',
    ]);
    expect(splitWords('リポジトリ 一覧')).toEqual(['リポジトリ', '一覧']);
  });
});

describe('stem', () => {
  it('meets singular and plural, and verb forms, on one stem', () => {
    const same = (a: string, b: string) => expect(stem(a), `${a} / ${b}`).toBe(stem(b));
    same('issues', 'issue');
    same('repositories', 'repository');
    same('labels', 'label');
    same('branches', 'branch');
    same('pulls', 'pull');
    same('created', 'create');
    same('creating', 'create');
    same('creation', 'create');
    same('listing', 'list');
    same('deleted', 'delete');
    same('starred', 'star');
    same('deployment', 'deploy');
    same('assignees', 'assign');
    same('policies', 'policy');
  });

  it('keeps apart words Porter would conflate with a verb', () => {
    expect(stem('settings')).not.toBe(stem('set'));
    expect(stem('star')).not.toBe(stem('start'));
    expect(stem('status')).toBe(stem('statuses'));
  });

  it('passes through words it cannot stem', () => {
    expect(stem('v2')).toBe('v2');
    expect(stem('créer')).toBe('créer');
    expect(stem('id')).toBe('id');
  });

  it('does not find Object.prototype members', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(typeof stem(word.toLowerCase())).toBe('string');
    }
  });
});

describe('indexTerms', () => {
  it('drops stopwords and stems the rest', () => {
    expect(indexTerms('List the issues for a repository')).toEqual([
      stem('list'),
      stem('issues'),
      stem('repository'),
    ]);
  });

  it('spells out abbreviations so "repo" and "repository" are one term', () => {
    expect(indexTerms('repo')).toEqual(indexTerms('repository'));
    expect(indexTerms('repos')).toEqual(indexTerms('repositories'));
    expect(indexTerms('PR')).toEqual(indexTerms('pull request'));
    expect(indexTerms('orgs')).toEqual(indexTerms('organizations'));
  });

  it('drops bare numbers and single letters', () => {
    expect(indexTerms('issue 42 x')).toEqual([stem('issue')]);
  });
});

describe('analyzeQuery', () => {
  const terms = (q: string) => analyzeQuery(q).groups.flatMap((g) => g.terms.map(([t]) => t));

  it('reads the leading verb as an intent, whatever the synonym', () => {
    for (const q of [
      'create an issue',
      'add an issue',
      'open a new issue',
      'make an issue',
      'submit an issue',
    ]) {
      expect(analyzeQuery(q).intent, q).toBe('create');
    }
    for (const q of ['delete a repo', 'remove a repo', 'destroy a repo', 'erase a repo']) {
      expect(analyzeQuery(q).intent, q).toBe('delete');
    }
    for (const q of [
      'update a label',
      'edit a label',
      'rename a label',
      'change a label',
      'close an issue',
    ]) {
      expect(analyzeQuery(q).intent, q).toBe('update');
    }
    for (const q of ['get a label', 'fetch labels', 'list labels', 'show labels', 'search labels']) {
      expect(analyzeQuery(q).intent, q).toBe('read');
    }
  });

  it('expands a verb towards the operation verbs it stands for', () => {
    expect(terms('add a label')).toContain(stem('create'));
    expect(terms('erase a label')).toContain(stem('delete'));
    expect(terms('edit a label')).toContain(stem('update'));
  });

  it('only the leading verb is the request', () => {
    const plan = analyzeQuery('list open issues');
    expect(plan.intent).toBe('read');
    expect(plan.groups.find((g) => g.term === 'open')?.terms).toEqual([['open', 1]]);
  });

  it('tells one item from many', () => {
    expect(analyzeQuery('get a repository').shape).toBe('item');
    expect(analyzeQuery('get repositories').shape).toBe('collection');
    expect(analyzeQuery('list repository').shape).toBe('collection');
    expect(analyzeQuery('show all issues').shape).toBe('collection');
    expect(analyzeQuery('get details of a workflow run').shape).toBe('item');
    expect(terms('get repositories')).toContain('list');
    expect(terms('show a repository')).toContain('get');
  });

  it('adds noun synonyms at a lower weight', () => {
    const ticket = analyzeQuery('ticket').groups[0].terms;
    expect(ticket).toContainEqual([stem('issue'), expect.any(Number)]);
    expect(ticket.find(([t]) => t === stem('issue'))![1]).toBeLessThan(1);
  });

  it('hints at the authenticated user for "my" and "I", but not for "how do I"', () => {
    const hinted = (q: string) => analyzeQuery(q).groups.some((g) => g.hint);
    expect(hinted('list my repos')).toBe(true);
    expect(hinted('repos I starred')).toBe(true);
    expect(hinted('how do I list repos')).toBe(false);
    expect(hinted('list repos')).toBe(false);
  });

  it('weights qualifiers after a preposition below the object', () => {
    const plan = analyzeQuery('list issues in a repository');
    const weight = (term: string) => plan.groups.find((g) => g.term === term)!.weight;
    expect(weight(stem('repository'))).toBeLessThan(weight(stem('issues')));
  });

  it('weights a purpose ("so I can ...", "in order to ...") below the request, and takes no object from it', () => {
    const plan = analyzeQuery('list open pull requests so I can review them');
    const weight = (term: string) => plan.groups.find((g) => g.term === term)!.weight;
    expect(weight(stem('review'))).toBeLessThan(weight(stem('pull')) / 2);
    expect(plan.head?.term).toBe(stem('requests'));
    // "I" inside the purpose is not a request for the authenticated user's operations.
    expect(plan.groups.some((g) => g.hint)).toBe(false);
    const ordered = analyzeQuery('archive the channel in order to keep its history');
    expect(ordered.groups.find((g) => g.term === stem('history'))!.weight).toBeLessThan(0.5);
    // "so far" and "so many" open no purpose.
    const far = analyzeQuery('how much have we spent on texting so far this month');
    expect(far.groups.find((g) => g.term === stem('month'))!.weight).toBeGreaterThan(0.5);
  });

  it('returns no groups for stopwords only', () => {
    expect(analyzeQuery('how do I do it for the').groups).toEqual([]);
    expect(analyzeQuery('').groups).toEqual([]);
  });
});

describe('createSearchIndex', () => {
  const index = createSearchIndex([...PETSTORE, ...CRM]);
  const names = (q: string, options?: { limit?: number; api?: string }) =>
    index.search(q, options).map((h) => h.operation.name);

  it('reports its size', () => {
    expect(index.size).toBe(PETSTORE.length + CRM.length);
    expect(createSearchIndex([]).size).toBe(0);
  });

  it('ranks by what the agent asks for', () => {
    expect(names('add a new pet')[0]).toBe('createPets');
    expect(names('show all pets')[0]).toBe('listPets');
    expect(names('get a pet by id')[0]).toBe('showPetById');
    expect(names('remove a pet')[0]).toBe('deletePet');
    expect(names('modify a pet')[0]).toBe('updatePet');
    expect(names('find pet owners')[0]).toBe('listOwners');
  });

  it('returns hits sorted by score, holding the operations it was given', () => {
    const hits = index.search('pet', { limit: 10 });
    expect(hits.length).toBeGreaterThan(1);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    for (const hit of hits) expect([...PETSTORE, ...CRM]).toContain(hit.operation);
  });

  it('returns nothing, without throwing, for empty, blank, stopword-only or unknown queries', () => {
    expect(index.search('')).toEqual([]);
    expect(index.search('   \n\t ')).toEqual([]);
    expect(index.search('how do I do it for the')).toEqual([]);
    expect(index.search('zebra quantum')).toEqual([]);
    expect(index.search(undefined as unknown as string)).toEqual([]);
    expect(createSearchIndex([]).search('list pets')).toEqual([]);
  });

  it('honours limit: default 10, cut, zero, negative, fractional and oversized', () => {
    const many = createSearchIndex(
      Array.from({ length: 30 }, (_, i) =>
        op('bulk', `listWidgets${i}`, 'get', `/widgets${i}`, 'List widgets'),
      ),
    );
    expect(many.search('widgets')).toHaveLength(10);
    expect(many.search('widgets', { limit: 3 })).toHaveLength(3);
    expect(many.search('widgets', { limit: 0 })).toEqual([]);
    expect(many.search('widgets', { limit: -5 })).toEqual([]);
    expect(many.search('widgets', { limit: 2.9 })).toHaveLength(2);
    expect(many.search('widgets', { limit: 1000 })).toHaveLength(30);
    expect(many.search('widgets', { limit: Number.NaN })).toHaveLength(10);
  });

  it('filters by API', () => {
    expect(index.search('delete', { api: 'crm' }).map((h) => h.operation.api)).toEqual(['crm']);
    expect(index.search('delete', { api: 'petstore' }).map((h) => h.operation.name)).toEqual(['deletePet']);
    expect(index.search('delete', { api: 'nope' })).toEqual([]);
    // An exact name from another API does not leak through the filter.
    expect(index.search('createContact', { api: 'petstore' }).map((h) => h.operation.api)).not.toContain(
      'crm',
    );
  });

  it('breaks ties the same way whatever the input order', () => {
    const twins = ['a', 'b', 'c'].map((api) => op(api, 'listThings', 'get', '/things', 'List things'));
    const forward = createSearchIndex(twins).search('list things');
    const backward = createSearchIndex([...twins].reverse()).search('list things');
    expect(forward.map((h) => h.operation.api)).toEqual(['a', 'b', 'c']);
    expect(backward.map((h) => h.operation.api)).toEqual(['a', 'b', 'c']);
    expect(new Set(forward.map((h) => h.score)).size).toBe(1);
  });

  it('ranks a deprecated operation below an otherwise identical one', () => {
    const pair = createSearchIndex([
      op('api', 'listOld', 'get', '/things', 'List things', { deprecated: true }),
      op('api', 'listNew', 'get', '/things', 'List things'),
    ]);
    expect(pair.search('list things').map((h) => h.operation.name)).toEqual(['listNew', 'listOld']);
  });

  it('puts an operation named or pasted exactly first', () => {
    expect(names('showPetById')[0]).toBe('showPetById');
    expect(names('use deletePet')[0]).toBe('deletePet');
    expect(names('PUT /pets/{petId}')[0]).toBe('updatePet');
    expect(names('DELETE /pets/42')[0]).toBe('deletePet');
    // A path alone names every method on it.
    expect(names('/pets/{id}', { limit: 3 }).sort()).toEqual(['deletePet', 'showPetById', 'updatePet']);
  });

  it('survives unicode, emoji, markup and prototype words', () => {
    for (const q of [
      '🐶🐱 pets ✨',
      'créer un animal',
      '<script>alert(1)</script> pets',
      'constructor __proto__ toString',
      '\u0000\uffff pets',
    ]) {
      expect(() => index.search(q), q).not.toThrow();
    }
    expect(names('🐶 list pets ✨')[0]).toBe('listPets');
  });

  it('handles a 10 KB query without throwing or stalling', () => {
    const long = 'please list all the pets in the store and also '.repeat(220);
    expect(long.length).toBeGreaterThan(10_000);
    const unique = Array.from({ length: 2_000 }, (_, i) => `word${i}x${(i * 7919).toString(36)}`).join(' ');
    // A bound against pathological (quadratic) behaviour, not a performance target.
    const started = performance.now();
    expect(names(long)[0]).toBe('listPets');
    expect(() => index.search(unique)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('search over the catalog loader output', () => {
  it('ranks the same operations as over the minimal test operations', async () => {
    const api = await githubApi();
    const fromCatalog = createSearchIndex(api.operations);
    const fromSupport = createSearchIndex(githubOperations());
    expect(fromCatalog.size).toBe(fromSupport.size);
    for (const q of ['create an issue', 'list issues in a repo', 'merge a pull request', 'star a repo']) {
      const a = fromCatalog.search(q, { limit: 1 })[0].operation;
      const b = fromSupport.search(q, { limit: 1 })[0].operation;
      expect(`${a.method} ${a.path}`, q).toBe(`${b.method} ${b.path}`);
      expect(a.name, q).toBe(b.name);
    }
  });
});
