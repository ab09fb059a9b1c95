/** Catalog import: parsing, OpenAPI 3.0/3.1 and Swagger 2.0 translation, refs, naming, loading. */

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  apiNameFromSource,
  buildApi,
  Catalog,
  checkApiName,
  fetchText,
  isIdentifier,
  loadSpec,
  type Operation,
  operationMethodName,
  parseSpecText,
  readTextWith,
  reservedGlobals,
  SpecError,
  schemaRefName,
  toLowerCamel,
} from '../src/catalog/index.ts';

const fixture = (name: string) => `test/fixtures/${name}`;
const readText = (path: string) => readFile(path, 'utf8');
const githubPath = 'node_modules/@octokit/openapi/generated/api.github.com.json';

function op(api: Api, name: string): Operation {
  const found = api.operations.find((operation) => operation.name === name);
  if (!found) throw new Error(`no operation ${name} in ${api.operations.map((o) => o.name).join(', ')}`);
  return found;
}

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected a SpecError');
}

async function loadFixture(name: string, warnings: string[] = []): Promise<Api> {
  return loadSpec(fixture(name), readText, { onWarning: (message) => warnings.push(message) });
}

describe('naming', () => {
  it('lowerCamelCases operationIds with non-identifier characters as word breaks', () => {
    expect(toLowerCamel('issues/create')).toBe('issuesCreate');
    expect(toLowerCamel('repos.get-content')).toBe('reposGetContent');
    expect(toLowerCamel('GetUser')).toBe('getUser');
    expect(toLowerCamel('list_items')).toBe('listItems');
    expect(toLowerCamel('getHTTPStatus')).toBe('getHTTPStatus');
    expect(toLowerCamel('HTTPStatus')).toBe('httpStatus');
    expect(toLowerCamel('URL')).toBe('url');
    expect(toLowerCamel('GET_USER_BY_ID')).toBe('getUserById');
    expect(toLowerCamel('Operations_List')).toBe('operationsList');
    expect(toLowerCamel('Push URI to Account id')).toBe('pushURIToAccountId');
    expect(toLowerCamel('123-rename')).toBe('_123Rename');
    expect(toLowerCamel('$.xgafv')).toBe('xgafv');
    expect(toLowerCamel('café/crème')).toBe('caféCrème');
    expect(toLowerCamel('--/..')).toBe('');
  });

  it('names operations without operationId from method + path', () => {
    expect(operationMethodName(undefined, 'get', '/users/{id}/repos')).toBe('getUsersIdRepos');
    expect(operationMethodName(undefined, 'delete', '/pet/{petId}')).toBe('deletePetPetId');
    expect(operationMethodName(undefined, 'get', '/')).toBe('get');
    expect(operationMethodName('---', 'post', '/a.b/c_d')).toBe('postABCD');
    expect(operationMethodName('issues/create', 'post', '/x')).toBe('issuesCreate');
  });

  it('keeps method names unique within an API, operationIds first, in document order', () => {
    const api = buildApi(
      {
        openapi: '3.0.0',
        paths: {
          '/users': { get: { responses: {} } },
          '/a': { get: { operationId: 'get-users' }, post: { operationId: 'getUsers' } },
          '/b': { get: { operationId: 'get_users' } },
        },
      },
      { source: 'names.json' },
    );
    expect(api.operations.map((o) => [o.method, o.path, o.name])).toEqual([
      ['get', '/users', 'getUsers4'],
      ['get', '/a', 'getUsers'],
      ['post', '/a', 'getUsers2'],
      ['get', '/b', 'getUsers3'],
    ]);
  });

  it('derives API names from the source', () => {
    expect(apiNameFromSource('node_modules/@octokit/openapi/generated/api.github.com.json')).toBe('github');
    expect(apiNameFromSource('specs/stripe.com.json')).toBe('stripe');
    expect(apiNameFromSource('petstore.yaml')).toBe('petstore');
    expect(apiNameFromSource('C:\\specs\\petstore.swagger.io.yml')).toBe('petstoreSwagger');
    expect(apiNameFromSource('https://example.com/specs/billing-api.json?v=2')).toBe('billingApi');
    expect(apiNameFromSource('https://api.example.com/openapi.json')).toBe('example');
    expect(apiNameFromSource('https://api.example.com/openapi.json', 'Payments Gateway API v2')).toBe(
      'paymentsGatewayAPI',
    );
    expect(apiNameFromSource('./billing/openapi.yaml')).toBe('billing');
    expect(apiNameFromSource('./docs/openapi.yaml')).toBe('api');
    expect(apiNameFromSource('openapi.yaml')).toBe('api');
    expect(apiNameFromSource('1forge.com.json')).toBe('_1forge');
    expect(apiNameFromSource('console.json')).toBe('consoleApi');
    expect(apiNameFromSource('fetch.yaml')).toBe('fetchApi');
    expect(apiNameFromSource('delete.yaml')).toBe('deleteApi');
  });

  it('rejects API names that cannot be sandbox globals', () => {
    for (const name of ['state', 'console', 'fetch', 'Object', 'JSON', 'globalThis', 'class', 'string']) {
      expect(reservedGlobals.has(name)).toBe(true);
      expect(specError(() => checkApiName(name, 'x.json')).message).toMatch(/reserved/);
    }
    expect(specError(() => checkApiName('my-api', 'x.json')).message).toMatch(/not a JavaScript identifier/);
    expect(checkApiName('github', 'x.json')).toBe('github');
    const document = { openapi: '3.0.0', paths: { '/': { get: {} } } };
    expect(specError(() => buildApi(document, { source: 'x.json', name: 'state' })).message).toBe(
      "x.json: API name 'state' is reserved in the sandbox; choose another name",
    );
  });
});

describe('parseSpecText', () => {
  it('parses JSON and YAML, including JSON-looking YAML and a BOM', () => {
    expect(parseSpecText('{"openapi": "3.0.0"}', 'a.json')).toEqual({ openapi: '3.0.0' });
    expect(parseSpecText('\uFEFFopenapi: 3.1.0\npaths: {}\n', 'a.yaml')).toEqual({
      openapi: '3.1.0',
      paths: {},
    });
    expect(parseSpecText('{openapi: 3.0.0, paths: {},}', 'a.yaml')).toEqual({ openapi: '3.0.0', paths: {} });
    // YAML 1.2: yes/no and dates stay strings.
    expect(parseSpecText('enum: [yes, no]\nwhen: 2024-01-01\n', 'a.yaml')).toEqual({
      enum: ['yes', 'no'],
      when: '2024-01-01',
    });
  });

  it('names the source and the line of a syntax error', () => {
    expect(specError(() => parseSpecText('{\n  "a": 1,\n  "b": }\n', 'bad.json')).message).toMatch(
      /^bad\.json: invalid JSON at line 3, column 8: /,
    );
    expect(specError(() => parseSpecText('{"a": 1', 'cut.json')).message).toMatch(
      /^cut\.json: invalid JSON at line 1, column 8/,
    );
    expect(specError(() => parseSpecText('a: 1\n b: [\n', 'bad.yaml')).message).toMatch(
      /^bad\.yaml: invalid YAML at line \d+, column \d+: /,
    );
    expect(specError(() => parseSpecText('a: 1\nb: [x\n', 'bad.yaml')).message).toMatch(
      /^bad\.yaml: invalid YAML at line 3/,
    );
    expect(specError(() => parseSpecText('  \n\t', 'blank.yaml')).message).toBe('blank.yaml: empty document');
  });

  it('refuses YAML alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(specError(() => parseSpecText(lines.join('\n'), 'bomb.yaml')).message).toMatch(
      /^bomb\.yaml: invalid YAML/,
    );
  });
});

describe('document validation', () => {
  it('rejects what is not an OpenAPI or Swagger document, with the problem named', () => {
    const cases: [unknown, string][] = [
      ['just text', 'not an OpenAPI or Swagger document: expected an object, got a string'],
      [[1, 2], 'not an OpenAPI or Swagger document: expected an object, got an array'],
      [null, 'not an OpenAPI or Swagger document: expected an object, got null'],
      [{ info: {} }, "not an OpenAPI or Swagger document: missing 'openapi' or 'swagger' field"],
      [{ openapi: '4.0.0', paths: {} }, "unsupported OpenAPI version '4.0.0' (duet reads 3.0, 3.1 and 3.2)"],
      [{ openapi: '2.0', paths: {} }, "unsupported OpenAPI version '2.0' (duet reads 3.0, 3.1 and 3.2)"],
      [{ swagger: '1.2', paths: {} }, "unsupported Swagger version '1.2' (duet reads 2.0)"],
      [{ openapi: '3.1.0', webhooks: {} }, "no 'paths': the document describes no operations"],
      [{ openapi: '3.0.0', paths: [] }, "'paths' is an array, not an object"],
      [{ openapi: '3.0.0', paths: {} }, "no usable operations: 'paths' holds no valid operation"],
      [
        { openapi: '3.0.0', paths: { '/a': null, '/b': { get: 'x', 'x-foo': {} }, 'x-ext': { get: {} } } },
        "no usable operations: 'paths' holds no valid operation",
      ],
    ];
    for (const [document, problem] of cases) {
      const error = specError(() => buildApi(document, { source: 'doc.json' }));
      expect(error.message).toBe(`doc.json: ${problem}`);
      expect(error.source).toBe('doc.json');
      expect(error.problem).toBe(problem);
    }
  });

  it('skips broken pieces and keeps the rest', () => {
    const warnings: string[] = [];
    const api = buildApi(
      {
        openapi: '3.0.1',
        paths: {
          '/ok/{id}': {
            parameters: [null, 42, { in: 'query' }, { name: 'x', in: 'nowhere' }, { $ref: '#/nope' }],
            get: { operationId: 'ok', parameters: 'junk', responses: { 200: null }, tags: ['a', 1] },
            'x-thing': {},
            GET2: {},
            PUT: { operationId: 'upper', requestBody: { content: null }, responses: [] },
          },
          '/bad': 'nope',
        },
      },
      { source: 'junk.json', onWarning: (message) => warnings.push(message) },
    );
    expect(api.operations.map((o) => o.name)).toEqual(['ok', 'upper']);
    const ok = op(api, 'ok');
    expect(ok.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(ok.tags).toEqual(['a']);
    expect(ok.response).toEqual({ status: '200' });
    expect(op(api, 'upper').method).toBe('put');
    expect(op(api, 'upper').requestBody).toBeUndefined();
    expect(warnings).toEqual([
      '/ok/{id}: skipped a parameter that is not an object or has an unresolvable $ref',
      '/ok/{id}: skipped a parameter that is not an object or has an unresolvable $ref',
      '/ok/{id}: skipped a parameter without a name or location',
      "/ok/{id}: skipped parameter 'x' with unknown location 'nowhere'",
      '/ok/{id}: skipped a parameter that is not an object or has an unresolvable $ref',
      'skipped path /bad: not an object or an unresolvable $ref',
    ]);
  });
});

describe('GitHub REST spec', () => {
  let api: Api;
  beforeAll(async () => {
    api = await loadSpec(githubPath, readText);
  });

  it('imports 1,000+ operations with unique identifier names', () => {
    expect(api.name).toBe('github');
    expect(api.baseUrl).toBe('https://api.github.com');
    expect(api.title).toMatch(/GitHub/);
    expect(api.operations.length).toBeGreaterThan(1000);
    const names = new Set(api.operations.map((o) => o.name));
    expect(names.size).toBe(api.operations.length);
    for (const name of names) expect(isIdentifier(name)).toBe(true);
    for (const operation of api.operations) expect(operation.api).toBe('github');
  });

  it('translates issues/create', () => {
    const create = op(api, 'issuesCreate');
    expect(create.operationId).toBe('issues/create');
    expect(create.method).toBe('post');
    expect(create.path).toBe('/repos/{owner}/{repo}/issues');
    expect(create.summary).toBe('Create an issue');
    expect(create.tags).toEqual(['issues']);
    expect(create.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['owner', 'path', true],
      ['repo', 'path', true],
    ]);
    expect(create.requestBody?.required).toBe(true);
    expect(create.requestBody?.contentType).toBe('application/json');
    const body = create.requestBody?.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(body.properties)).toContain('title');
    expect(body.required).toContain('title');
    expect(create.response?.status).toBe('201');
    expect(create.response?.schema).toEqual({ $ref: '#/components/schemas/issue' });
    expect(api.schemas.issue).toBeDefined();
  });

  it('marks path parameters that may span several segments (x-multi-segment)', () => {
    const path = op(api, 'reposGetContent').parameters.find((p) => p.name === 'path');
    expect(path).toMatchObject({ in: 'path', required: true, multiSegment: true });
    expect(
      op(api, 'reposGetContent').parameters.find((p) => p.name === 'owner')?.multiSegment,
    ).toBeUndefined();
  });

  it('keeps every schema $ref pointing at a named schema of the API', () => {
    const refs = new Set<string>();
    const visit = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === '$ref' && typeof child === 'string') refs.add(child);
          else if (key !== 'examples' && key !== 'example') visit(child);
        }
      }
    };
    visit(api.operations);
    visit(api.schemas);
    expect(refs.size).toBeGreaterThan(100);
    for (const ref of refs) expect(api.schemas[schemaRefName(ref)!], ref).toBeDefined();
  });

  it('builds twice from one parsed document without changing it', async () => {
    const document = parseSpecText(await readText(githubPath), githubPath);
    const before = JSON.stringify(document).length;
    const a = buildApi(document, { source: githubPath, name: 'gh1' });
    const b = buildApi(document, {
      source: githubPath,
      name: 'gh2',
      baseUrl: 'https://ghe.example.com/api/v3/',
    });
    expect(JSON.stringify(document).length).toBe(before);
    expect(a.operations.length).toBe(b.operations.length);
    expect(b.baseUrl).toBe('https://ghe.example.com/api/v3');
    expect(b.operations[0]!.api).toBe('gh2');
  });
});

describe('Swagger 2.0 (petstore YAML)', () => {
  let api: Api;
  const warnings: string[] = [];
  beforeAll(async () => {
    api = await loadFixture('petstore-swagger2.yaml', warnings);
  });

  it('reads info, base URL and operations', () => {
    expect(api.name).toBe('petstoreSwagger2');
    expect(api.title).toBe('Swagger Petstore');
    expect(api.version).toBe('1.0.0');
    expect(api.baseUrl).toBe('https://petstore.swagger.io/v2');
    expect(api.operations.map((o) => `${o.method} ${o.path} ${o.name}`)).toEqual([
      'post /pet addPet',
      'get /pet/findByStatus findPetsByStatus',
      'get /pet/{petId} getPetById',
      'post /pet/{petId} updatePetWithForm',
      'delete /pet/{petId} deletePetPetId',
      'post /pet/{petId}/uploadImage uploadFile',
      'get /store/inventory getInventory',
    ]);
    expect(warnings).toEqual([
      'POST /pet/{petId}/uploadImage: skipped a parameter without a name or location',
      'skipped path /broken: not an object or an unresolvable $ref',
    ]);
  });

  it('turns the body parameter into a JSON request body and definitions into named schemas', () => {
    const addPet = op(api, 'addPet');
    expect(addPet.parameters).toEqual([]);
    expect(addPet.requestBody).toEqual({
      required: true,
      contentType: 'application/json',
      schema: { $ref: '#/components/schemas/Pet' },
      description: 'Pet object that needs to be added to the store',
    });
    expect(addPet.response).toMatchObject({ status: '200', contentType: 'application/json' });
    expect(Object.keys(api.schemas).sort()).toEqual(['ApiResponse', 'Category', 'Pet', 'Tag']);
    expect((api.schemas.Pet as any).properties.tags.items).toEqual({ $ref: '#/components/schemas/Tag' });
  });

  it('translates parameters: refs, path-level, collectionFormat, items', () => {
    const [status, tags] = op(api, 'findPetsByStatus').parameters;
    expect(status).toEqual({
      name: 'status',
      in: 'query',
      required: true,
      schema: { type: 'array', items: { type: 'string', enum: ['available', 'pending', 'sold'] } },
      style: 'form',
      explode: true,
    });
    expect(tags).toMatchObject({ name: 'tags', required: false, style: 'form', explode: false });
    expect(op(api, 'getPetById').parameters).toEqual([
      {
        name: 'petId',
        in: 'path',
        required: true,
        description: 'ID of the pet',
        schema: { type: 'integer', format: 'int64' },
      },
    ]);
    // The operation's own petId overrides the path-level one.
    expect(op(api, 'deletePetPetId').parameters.map((p) => [p.name, p.in, p.description])).toEqual([
      ['petId', 'path', 'Pet id to delete'],
      ['api_key', 'header', undefined],
    ]);
    expect(op(api, 'getPetById').response?.schema).toEqual({ $ref: '#/components/schemas/Pet' });
  });

  it('turns formData parameters into form bodies, multipart when a file is sent', () => {
    expect(op(api, 'updatePetWithForm').requestBody).toEqual({
      required: true,
      contentType: 'application/x-www-form-urlencoded',
      schema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'Updated name of the pet' },
          status: { type: 'string' },
        },
        required: ['status'],
      },
    });
    const upload = op(api, 'uploadFile').requestBody!;
    expect(upload.contentType).toBe('multipart/form-data');
    expect((upload.schema as any).properties.file).toEqual({ type: 'string', format: 'binary' });
    expect(op(api, 'deletePetPetId').response).toEqual({ status: '204', description: 'deleted' });
  });
});

describe('OpenAPI 3.0 refs (refs-3.0.yaml)', () => {
  let api: Api;
  const warnings: string[] = [];
  beforeAll(async () => {
    api = await loadFixture('refs-3.0.yaml', warnings);
  });

  it('keeps a relative server URL relative', () => {
    expect(api.baseUrl).toBe('/api/v1');
    expect(api.name).toBe('refs30');
  });

  it('resolves $ref parameters, chains, and merges path-level with operation-level ones', () => {
    const getThing = op(api, 'getThing');
    expect(getThing.parameters).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'verbose', in: 'query', required: true, schema: { type: 'string', enum: ['yes', 'no'] } },
      {
        name: 'fields',
        in: 'query',
        required: false,
        description: 'Fields to include',
        schema: { type: 'array', items: { type: 'string' } },
        style: 'form',
        explode: false,
      },
    ]);
    expect(op(api, 'thingsUpdateOne').parameters.map((p) => [p.name, p.schema])).toEqual([
      ['thingId', { type: 'string' }],
      ['verbose', { type: 'boolean' }],
    ]);
    // `content` instead of `schema`, and a header that is not Accept/Content-Type/Authorization.
    expect(op(api, 'getThings').parameters.map((p) => [p.name, p.in, p.schema])).toEqual([
      ['filter', 'query', { type: 'object', properties: { color: { type: 'string' } } }],
      ['X-Request-ID', 'header', { type: 'string', format: 'uuid' }],
    ]);
  });

  it('resolves $ref request bodies and responses, including chains', () => {
    const update = op(api, 'thingsUpdateOne');
    expect(update.requestBody).toEqual({
      required: true,
      contentType: 'application/json',
      schema: { $ref: '#/components/schemas/Thing' },
      description: 'The new thing',
    });
    expect(update.response).toEqual({
      status: '200',
      description: 'a thing',
      contentType: 'application/json',
      schema: { $ref: '#/components/schemas/Thing' },
    });
    expect(op(api, 'getThing').response?.status).toBe('200');
  });

  it('prefers JSON (including +json) request bodies and the lowest 2xx response', () => {
    const create = op(api, 'createThing');
    expect(create.requestBody).toMatchObject({ required: false, contentType: 'application/vnd.things+json' });
    expect(create.response).toEqual({
      status: '200',
      description: 'ok',
      contentType: 'text/plain',
      schema: { type: 'string' },
    });
  });

  it('fills in undeclared path parameters and survives junk parameters', () => {
    const rename = op(api, '_123Rename');
    expect(rename.operationId).toBe('123-rename');
    expect(rename.parameters).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(rename.response).toBeUndefined();
    expect(op(api, 'getThingsThingIdName').response).toEqual({ status: '200', description: 'ok' });
    expect(warnings).toHaveLength(3);
    expect(Object.keys(api.schemas)).toEqual(['Thing', 'Meta']);
  });
});

describe('OpenAPI 3.1 circular refs (circular-3.1.json)', () => {
  let api: Api;
  const warnings: string[] = [];
  beforeAll(async () => {
    api = await loadFixture('circular-3.1.json', warnings);
  });

  it('substitutes server variables by their defaults (or first enum value)', () => {
    expect(api.baseUrl).toBe('https://eu.example.com/v2');
  });

  it('keeps recursive schemas as refs to named schemas', () => {
    expect(api.schemas.Node).toMatchObject({
      properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
    });
    expect(op(api, 'getTree').response?.schema).toEqual({ $ref: '#/components/schemas/Node' });
    expect(op(api, 'postPair').requestBody?.schema).toEqual({ $ref: '#/components/schemas/A' });
    expect((api.schemas.B as any).properties.a).toEqual({ $ref: '#/components/schemas/A' });
    expect(api.schemas.Loop1).toEqual({ $ref: '#/components/schemas/Loop2' });
    expect(api.schemas.Loop2).toEqual({ $ref: '#/components/schemas/Loop1' });
  });

  it('skips circular parameter refs and self-referencing path items', () => {
    expect(op(api, 'getTree').parameters).toEqual([
      { name: 'depth', in: 'query', required: false, schema: { type: ['integer', 'null'] } },
    ]);
    expect(warnings).toEqual([
      'GET /tree: skipped a parameter that is not an object or has an unresolvable $ref',
      'skipped path /item-loop: not an object or an unresolvable $ref',
    ]);
    expect(op(api, 'getShared').path).toBe('/item-ref');
    expect(op(api, 'getShared').response).toEqual({ status: '204', description: 'nothing' });
  });

  it('normalises escaped, encoded, inner and external refs', () => {
    const properties = (op(api, 'getAliases').response!.schema as any).properties;
    expect(op(api, 'getAliases').response?.status).toBe('2XX');
    expect(properties.external).toEqual({});
    expect(properties.dangling).toEqual({});
    expect(properties.escaped).toEqual({ $ref: '#/components/schemas/a~1b~0c' });
    expect(schemaRefName(properties.escaped.$ref)).toBe('a/b~c');
    expect(api.schemas['a/b~c']).toEqual({ type: 'integer' });
    expect(properties.encoded).toEqual({ $ref: '#/components/schemas/With Space' });
    expect(api.schemas['With Space']).toEqual({ const: 'space' });
    // Refs into a schema's insides or into a path become synthetic named schemas.
    expect(properties.inner).toEqual({ $ref: '#/components/schemas/Node_label' });
    expect(api.schemas.Node_label).toEqual({ type: 'string', description: 'What the node says' });
    expect(properties.fromPath).toEqual({ $ref: '#/components/schemas/tree_200' });
    expect(api.schemas.tree_200).toEqual({ $ref: '#/components/schemas/Node' });
  });

  it('never loops on self-containing objects (YAML aliases)', () => {
    const node: Record<string, unknown> = { type: 'object' };
    node.properties = { self: node };
    const parameter: Record<string, unknown> = { name: 'p', in: 'query' };
    parameter.schema = { type: 'array', items: parameter };
    const api = buildApi(
      {
        openapi: '3.1.0',
        paths: {
          '/x': {
            get: {
              parameters: [parameter],
              responses: { 200: { content: { 'application/json': { schema: node } } } },
            },
          },
        },
      },
      { source: 'cyclic.yaml' },
    );
    expect(api.operations[0]!.response?.schema).toEqual({ type: 'object', properties: { self: {} } });
  });
});

describe('error fixtures', () => {
  it('names the file and the problem', async () => {
    const cases: [string, RegExp][] = [
      ['broken.json', /^test\/fixtures\/broken\.json: invalid JSON at line 5, column 20: /],
      [
        'not-openapi.yaml',
        /^test\/fixtures\/not-openapi\.yaml: not an OpenAPI or Swagger document: missing 'openapi'/,
      ],
      ['empty.yaml', /^test\/fixtures\/empty\.yaml: empty document$/],
      ['missing.yaml', /^test\/fixtures\/missing\.yaml: cannot read: ENOENT/],
    ];
    for (const [name, pattern] of cases) {
      const error = await loadFixture(name).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).message).toMatch(pattern);
      expect((error as SpecError).source).toBe(fixture(name));
    }
  });
});

describe('loading over HTTP', () => {
  let server: Server;
  let base: string;
  const spec =
    'openapi: 3.0.0\ninfo: { title: Remote }\nservers: [{ url: /v1 }]\npaths: { /ping: { get: {} } }\n';
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/specs/remote.yaml') response.end(spec);
      else {
        response.statusCode = 404;
        response.end('nope');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches, resolving a relative server URL against the document URL', async () => {
    const api = await loadSpec(`${base}/specs/remote.yaml`, readTextWith(readText));
    expect(api.name).toBe('remote');
    expect(api.baseUrl).toBe(`${base}/v1`);
    expect(api.operations[0]!.name).toBe('getPing');
  });

  it('reports HTTP errors and network failures naming the URL', async () => {
    const missing = await fetchText(`${base}/nothing.json`).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(SpecError);
    expect((missing as Error).message).toBe(`${base}/nothing.json: fetch failed: HTTP 404 Not Found`);
    const refused = await fetchText('http://127.0.0.1:1/spec.json').catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(SpecError);
    expect((refused as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:1\/spec\.json: fetch failed: /);
  });
});

describe('Catalog', () => {
  const doc = (title: string) => ({
    openapi: '3.0.0',
    info: { title },
    paths: { '/a': { get: { operationId: 'getA' } } },
  });

  it('holds APIs under distinct names with lookups', () => {
    const one = buildApi(doc('One'), { source: 'one.json' });
    const two = buildApi(doc('Two'), { source: 'two.json' });
    const catalog = new Catalog([one]).add(two);
    expect(catalog.apis.map((api) => api.name)).toEqual(['one', 'two']);
    expect(catalog.operations.map((o) => `${o.api}.${o.name}`)).toEqual(['one.getA', 'two.getA']);
    expect(catalog.get('two')).toBe(two);
    expect(catalog.get('three')).toBeUndefined();
    expect(catalog.operation('two', 'getA')).toBe(two.operations[0]);
    expect(catalog.operation('two', 'nope')).toBeUndefined();
    expect(catalog.operation('nope', 'getA')).toBeUndefined();
  });

  it('refuses a duplicate name, naming both sources', () => {
    const catalog = new Catalog([buildApi(doc('One'), { source: 'specs/one.json' })]);
    expect(() => catalog.add(buildApi(doc('Other'), { source: 'other/one.yaml' }))).toThrow(
      "API name 'one' is already used by specs/one.json; give other/one.yaml another name (NAME=PATH)",
    );
    expect(catalog.size).toBe(1);
  });
});
