/** TypeScript declarations from the catalog: schema types, operation signatures, whole-API declarations. */

import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  apiDeclaration,
  buildApi,
  createTsContext,
  type JsonSchema,
  loadSpec,
  type Operation,
  operationSignature,
  schemaToTs,
  schemaTypeNames,
} from '../src/catalog/index.ts';

const readText = (path: string) => readFile(path, 'utf8');
const githubPath = 'node_modules/@octokit/openapi/generated/api.github.com.json';

/** Type-checks in-memory files against ES2022 only (no DOM, no @types), returning readable diagnostics. */
function typeCheck(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) =>
    name in files
      ? ts.createSourceFile(name, files[name]!, language)
      : getSourceFile.call(host, name, language, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = (name) => name in files || fileExists.call(host, name);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${diagnostic.file?.fileName}:${where ? where.line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

function miniApi(
  schemas: Record<string, JsonSchema>,
  paths: Record<string, unknown> = { '/': { get: {} } },
): Api {
  return buildApi(
    { openapi: '3.1.0', paths, components: { schemas } },
    { source: 'mini.json', name: 'mini' },
  ) as Api & {
    schemas: Record<string, JsonSchema>;
  };
}

function op(api: Api, name: string): Operation {
  return api.operations.find((operation) => operation.name === name)!;
}

describe('schemaToTs', () => {
  const api: Api = { ...miniApi({}), schemas: { 'pet-tag': { type: 'string' }, Pet: { type: 'object' } } };
  const ts1 = (schema: unknown, options: Parameters<typeof createTsContext>[1] = {}) =>
    schemaToTs(schema, createTsContext(api, options));

  it('maps primitive types, ignoring formats', () => {
    expect(ts1({ type: 'string', format: 'date-time' })).toBe('string');
    expect(ts1({ type: 'integer', format: 'int64' })).toBe('number');
    expect(ts1({ type: 'number' })).toBe('number');
    expect(ts1({ type: 'boolean' })).toBe('boolean');
    expect(ts1({ type: 'null' })).toBe('null');
    expect(ts1({})).toBe('unknown');
    expect(ts1(true)).toBe('unknown');
    expect(ts1(false)).toBe('never');
    expect(ts1(undefined)).toBe('unknown');
    expect(ts1({ type: 'wat' })).toBe('unknown');
  });

  it('writes objects with optional and quoted keys, and index signatures', () => {
    const schema = {
      type: 'object',
      required: ['id', 'X-Rate'],
      properties: {
        id: { type: 'integer' },
        'X-Rate': { type: 'number' },
        'full name': { type: 'string' },
        $ok: {},
      },
    };
    expect(ts1(schema)).toBe("{ id: number; 'X-Rate': number; 'full name'?: string; $ok?: unknown }");
    expect(ts1({ type: 'object', properties: { "it's": { type: 'string' } } })).toBe("{ 'it\\'s'?: string }");
    expect(ts1({ type: 'object' })).toBe('{ [key: string]: unknown }');
    expect(ts1({ type: 'object', additionalProperties: { type: 'integer' } })).toBe(
      '{ [key: string]: number }',
    );
    expect(ts1({ type: 'object', additionalProperties: false })).toBe('{}');
    expect(ts1({ properties: { a: { type: 'string' } }, additionalProperties: true })).toBe(
      '{ a?: string; [key: string]: unknown }',
    );
    // A typed index signature would have to fit every member, so it is intersected instead.
    expect(ts1({ properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' } })).toBe(
      '{ a?: string } & { [key: string]: number }',
    );
  });

  it('writes arrays and tuples', () => {
    expect(ts1({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(ts1({ type: 'array' })).toBe('unknown[]');
    expect(ts1({ type: 'array', items: { type: ['string', 'number'] } })).toBe('(string | number)[]');
    // `items` without `type`: any value passes; Slack's spec uses it for plain objects, so either.
    expect(ts1({ items: { type: 'array', items: { type: 'boolean' } } })).toBe('boolean[] | boolean[][]');
    expect(ts1({ items: { type: 'object', properties: { id: { type: 'string' } } } })).toBe(
      '{ id?: string } | { id?: string }[]',
    );
    expect(ts1({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false })).toBe(
      '[string, number]',
    );
    expect(ts1({ type: 'array', prefixItems: [{ type: 'string' }] })).toBe('[string, ...unknown[]]');
  });

  it('writes enums, const, unions, intersections and nullability', () => {
    expect(ts1({ type: 'string', enum: ['a', 'b"c', "it's"] })).toBe('"a" | "b\\"c" | "it\'s"');
    expect(ts1({ enum: [1, -2.5, true, null] })).toBe('1 | -2.5 | true | null');
    expect(ts1({ type: ['string', 'null'], enum: ['x'] })).toBe('"x" | null');
    expect(ts1({ const: 'fixed' })).toBe('"fixed"');
    expect(ts1({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('string | number');
    expect(ts1({ anyOf: [{ type: 'string' }, {}] })).toBe('unknown');
    expect(
      ts1({ allOf: [{ $ref: '#/components/schemas/Pet' }, { properties: { a: { type: 'string' } } }] }),
    ).toBe('mini.Pet & { a?: string }');
    expect(ts1({ type: 'object', oneOf: [{ $ref: '#/components/schemas/Pet' }, { type: 'string' }] })).toBe(
      'mini.Pet | string',
    );
    expect(ts1({ type: 'string', nullable: true })).toBe('string | null');
    expect(ts1({ type: ['integer', 'null'] })).toBe('number | null');
    expect(
      ts1({
        allOf: [{ oneOf: [{ type: 'string' }, { type: 'number' }] }, { nullable: true }],
        nullable: true,
      }),
    ).toBe('string | number | null');
    expect(ts1({ type: 'string', enum: Array.from({ length: 100 }, (_, i) => `v${i}`) })).toBe('string');
  });

  it('names referenced schemas with sanitised PascalCase names and records them', () => {
    const ctx = createTsContext(api);
    expect(schemaToTs({ type: 'array', items: { $ref: '#/components/schemas/pet-tag' } }, ctx)).toBe(
      'mini.PetTag[]',
    );
    expect(schemaToTs({ $ref: '#/components/schemas/Missing' }, ctx)).toBe('unknown');
    expect(schemaToTs({ $ref: '#/components/schemas/Pet', nullable: true }, ctx)).toBe('mini.Pet | null');
    expect([...ctx.refs]).toEqual(['pet-tag', 'Pet']);
    expect(schemaToTs({ $ref: '#/components/schemas/Pet' }, createTsContext(api, { qualifier: '' }))).toBe(
      'Pet',
    );
  });

  it('bounds inline depth and size', () => {
    let deep: JsonSchema = { type: 'string' };
    for (let i = 0; i < 6; i++) deep = { type: 'object', properties: { next: deep } };
    expect(ts1(deep)).toBe('{ next?: { next?: { next?: { next?: unknown } } } }');
    expect(ts1(deep, { maxDepth: 1 })).toBe('{ next?: unknown }');
    const wide = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, { type: 'string' }])),
    };
    const text = ts1(wide);
    expect(text.match(/p\d+\?: string/g)).toHaveLength(80);
    // Past the budget the remaining fields are named, untyped: a misspelt name is still an error.
    expect(text.match(/p\d+\?: unknown/g)).toHaveLength(120);
    expect(text).not.toContain('[key: string]');
    expect(ts1(wide, { maxNodes: 10 })).toMatch(
      /^\{ p0\?: string; p1\?: string; p2\?: string; p3\?: string; p4\?: string; p5\?: string; p6\?: string; p7\?: string; p8\?: string; p9\?: unknown; p10\?: unknown; .* p199\?: unknown \}$/,
    );
  });

  it('adds short descriptions as JSDoc and lays out multi-line on request', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', description: 'The */ a\n\nMore paragraphs.' },
        b: { type: 'object', properties: { c: { type: 'number', description: 'x'.repeat(500) } } },
      },
    };
    expect(ts1(schema, { docs: true })).toBe('{ /** The *\\/ a */ a?: string; b?: { c?: number } }');
    expect(ts1(schema, { docs: true, multiline: true, indent: '  ' })).toBe(
      '{\n    /** The *\\/ a */\n    a?: string;\n    b?: {\n      c?: number;\n    };\n  }',
    );
  });
});

describe('operationSignature', () => {
  let github: Api;
  beforeAll(async () => {
    github = await loadSpec(githubPath, readText);
  });

  it('declares issues/create with its path parameters and required body', () => {
    const signature = operationSignature(github, op(github, 'issuesCreate'));
    expect(signature).toMatch(
      /^\/\*\* Create an issue \*\/\nissuesCreate\(args: \{ owner: string; repo: string; body: \{ title: /,
    );
    expect(signature).toContain('owner: string');
    expect(signature).toContain('title: string | number');
    expect(signature).toContain('labels?: (string | {');
    expect(signature.endsWith('): Promise<github.Issue>')).toBe(true);
    expect(operationSignature(github, op(github, 'issuesCreate'))).toBe(signature);
  });

  it('makes args optional when nothing in them is required, and an operation without parameters takes only an empty object', () => {
    expect(operationSignature(github, op(github, 'metaRoot'))).toBe(
      '/** GitHub API Root */\nmetaRoot(args?: Record<string, never>): Promise<github.Root>',
    );
    expect(operationSignature(github, op(github, 'reposListForAuthenticatedUser'))).toMatch(
      /^\/\*\* List repositories for the authenticated user \*\/\nreposListForAuthenticatedUser\(args\?: \{ visibility\?: "all" \| "public" \| "private"; /,
    );
  });

  it('quotes parameter names that are not identifiers, marks deprecation and 204 as void', () => {
    const api = buildApi(
      {
        openapi: '3.0.0',
        paths: {
          '/things/{thing-id}': {
            delete: {
              operationId: 'deleteThing',
              summary: 'Delete a thing',
              deprecated: true,
              parameters: [
                { name: 'thing-id', in: 'path', schema: { type: 'string' } },
                { name: 'X-GitHub-Api-Version', in: 'header', schema: { type: 'string' } },
                { name: 'thing-id', in: 'query', schema: { type: 'string' } },
                { name: 'body', in: 'query', schema: { type: 'string' } },
              ],
              requestBody: {
                content: {
                  'application/json': { schema: { type: 'object', properties: { why: { type: 'string' } } } },
                },
              },
              responses: { 204: { description: 'gone' } },
            },
          },
        },
      },
      { source: 'things.json' },
    );
    expect(operationSignature(api, api.operations[0]!)).toBe(
      "/** Delete a thing @deprecated */\ndeleteThing(args: { 'thing-id': string; 'X-GitHub-Api-Version'?: string; body?: { why?: string } }): Promise<void>",
    );
  });

  it('keeps signatures of APIs with hundreds of optional parameters short', () => {
    const parameters = Array.from({ length: 300 }, (_, i) => ({
      name: `filter_${i}`,
      in: 'query',
      schema: { type: 'string' },
    }));
    const api = buildApi(
      {
        openapi: '3.0.0',
        paths: {
          '/items': {
            get: {
              operationId: 'list',
              parameters: [
                ...parameters,
                { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
              ],
            },
          },
        },
      },
      { source: 'filters.json' },
    );
    const signature = operationSignature(api, api.operations[0]!);
    expect(signature).toContain('q: string');
    expect(signature).toContain('filter_39?: string');
    expect(signature).not.toContain('filter_40?');
    expect(signature).toContain('[parameter: string]: unknown }');
    expect(signature.length).toBeLessThan(1500);
  });
});

describe('apiDeclaration', () => {
  let github: Api;
  let petstore: Api;
  let circular: Api;
  beforeAll(async () => {
    [github, petstore, circular] = await Promise.all([
      loadSpec(githubPath, readText),
      loadSpec('test/fixtures/petstore-swagger2.yaml', readText, { name: 'petstore' }),
      loadSpec('test/fixtures/circular-3.1.json', readText),
    ]);
  });

  it('declares the API const and, in its namespace, the named types it reaches', () => {
    expect(apiDeclaration(petstore, { operations: ['getPetById', 'getInventory', 'nope'] })).toBe(
      [
        'declare namespace petstore {',
        '  type Pet = {',
        '    id?: number;',
        '    category?: Category;',
        '    name: string;',
        '    photoUrls: string[];',
        '    tags?: Tag[];',
        '    /** pet status in the store */',
        '    status?: "available" | "pending" | "sold";',
        '    nickname?: string | null;',
        '  };',
        '  type Category = {',
        '    id?: number;',
        '    name?: string;',
        '  };',
        '  type Tag = {',
        '    id?: number;',
        '    name?: string;',
        '  };',
        '}',
        '/** Swagger Petstore */',
        'declare const petstore: {',
        '  /** Find pet by ID */',
        '  getPetById(args: { petId: number }): Promise<petstore.Pet>;',
        '  getInventory(args?: Record<string, never>): Promise<{ [key: string]: number }>;',
        '};',
        '',
      ].join('\n'),
    );
    expect(apiDeclaration(petstore, { operations: ['getInventory'] })).not.toContain('namespace');
    expect(apiDeclaration(petstore)).toContain('type ApiResponse = {');
    expect(apiDeclaration(petstore)).toBe(apiDeclaration(petstore));
  });

  it('handles recursive and mutually recursive types, breaking alias cycles TypeScript rejects', () => {
    const declaration = apiDeclaration(circular);
    expect(declaration).toContain('children?: Node[];');
    expect(declaration).toContain('parent?: Node | null;');
    expect(declaration).toContain('type A = {\n    b?: B;');
    expect(declaration).toContain('type B = {\n    a?: A;');
    expect(declaration).toContain('type Loop1 = unknown;');
    expect(declaration).toContain('type SelfUnion = unknown;');
    expect(declaration).toContain('type ABC = number;');
    expect(typeCheck({ '/circular.ts': declaration })).toEqual([]);
  });

  it('gives colliding schema names distinct type names', () => {
    const api = miniApi(
      {
        'foo-bar': { type: 'string' },
        FooBar: { type: 'number' },
        foo_bar: { type: 'boolean' },
        '1st': { const: 1 },
      },
      {
        '/': {
          get: {
            responses: {
              200: {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: {
                        a: { $ref: '#/components/schemas/foo-bar' },
                        b: { $ref: '#/components/schemas/FooBar' },
                        c: { $ref: '#/components/schemas/foo_bar' },
                        d: { $ref: '#/components/schemas/1st' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    );
    expect([...schemaTypeNames(api).values()]).toEqual(['FooBar', 'FooBar2', 'FooBar3', '_1st']);
    const declaration = apiDeclaration(api);
    expect(declaration).toContain(
      'get(args?: Record<string, never>): Promise<{ a?: mini.FooBar; b?: mini.FooBar2; c?: mini.FooBar3; d?: mini._1st }>',
    );
    expect(typeCheck({ '/mini.ts': declaration })).toEqual([]);
  });

  it('lets several APIs with the same schema names share one program', () => {
    const other = {
      ...petstore,
      name: 'zoo',
      operations: petstore.operations.map((o) => ({ ...o, api: 'zoo' })),
    };
    const snippet = [
      'async function run() {',
      '  const pet = await petstore.getPetById({ petId: 1 });',
      '  const same: zoo.Pet = await zoo.addPet({ body: { name: pet.name, photoUrls: [] } });',
      '  return same.tags?.map((tag) => tag.name);',
      '}',
    ].join('\n');
    expect(
      typeCheck({
        '/petstore.d.ts': apiDeclaration(petstore),
        '/zoo.d.ts': apiDeclaration(other),
        '/snippet.ts': snippet,
      }),
    ).toEqual([]);
  });

  it("types snippets against GitHub's 1,000+ operations", () => {
    const declaration = apiDeclaration(github);
    expect(declaration).toMatch(/^declare namespace github \{\n/);
    expect(declaration).toContain('\ndeclare const github: {\n');
    expect(declaration).not.toMatch(/\bundefined\b(?![^/]*\*\/)|\[object Object\]/);
    const good = [
      'async function run() {',
      "  const issue = await github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 'Bug', labels: ['bug', { name: 'p1' }] } });",
      "  const repos = await github.reposListForOrg({ org: 'duet', per_page: 10 });",
      '  return [issue.number.toFixed(), issue.user?.login, repos.map((repo) => repo.full_name)];',
      '}',
    ].join('\n');
    const bad = [
      'async function run() {',
      "  await github.issuesCreate({ repo: 'r', body: { title: 'Bug' } });",
      "  const issue = await github.issuesGet({ owner: 'o', repo: 'r', issue_number: 1 });",
      '  return issue.nope;',
      '}',
    ].join('\n');
    expect(typeCheck({ '/github.d.ts': declaration, '/good.ts': good })).toEqual([]);
    const errors = typeCheck({ '/github.d.ts': declaration, '/bad.ts': bad });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^\/bad\.ts:2: .*'owner'/);
    expect(errors[1]).toMatch(/^\/bad\.ts:4: Property 'nope' does not exist on type 'Issue'/);
  });

  it('declares only the types the chosen operations reach', () => {
    const full = apiDeclaration(github);
    const subset = apiDeclaration(github, { operations: ['issuesCreate'] });
    expect(subset).toContain('  type Issue = {');
    expect(subset).toContain('  type SimpleUser = {');
    expect(subset).not.toContain('type Gist');
    expect(full).toContain('type BaseGist = {');
    expect(subset.length * 20).toBeLessThan(full.length);
    expect(typeCheck({ '/subset.d.ts': subset })).toEqual([]);
  });
});
