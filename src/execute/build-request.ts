/** Builds the upstream HTTP request for one API call from the guest's single argument object. */
import type { Operation, Parameter } from '../catalog/types.ts';

/** A guest mistake in the arguments: rejected back to the guest, the run goes on. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

export interface RequestTarget {
  baseUrl: string;
  /** Host-configured headers (credentials): added last, so guest parameters can never override them. */
  headers?: Record<string, string>;
}

export function buildRequest(
  op: Operation,
  args: unknown,
  target: RequestTarget,
  signal?: AbortSignal,
): Request {
  const where = `${op.api}.${op.name}`;
  if (args === undefined || args === null) args = {};
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new ArgumentError(
      `${where} takes one object argument (path, query and header parameters by name, body under 'body')`,
    );
  }
  const given = args as Record<string, unknown>;
  checkUnknownKeys(op, given, where);

  const base = new URL(target.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    pathSegment(op, name, given[name], where),
  );
  const url = new URL(base.origin + basePath + path);
  if (url.origin !== base.origin || !url.pathname.startsWith(basePath)) {
    throw new ArgumentError(`${where}: path parameters must stay inside ${target.baseUrl}`);
  }
  for (const param of op.parameters) {
    if (param.in === 'query') appendQuery(url.searchParams, param, given[param.name], where);
  }

  const headers = new Headers();
  const cookies: string[] = [];
  for (const param of op.parameters) {
    const value = given[param.name];
    if (param.required && value === undefined && param.in !== 'path') {
      throw new ArgumentError(`${where}: missing required ${param.in} parameter '${param.name}'`);
    }
    if (value === undefined || value === null) continue;
    if (param.in === 'header') headers.set(param.name, headerValue(value, param.name, where));
    if (param.in === 'cookie')
      cookies.push(`${param.name}=${encodeURIComponent(headerValue(value, param.name, where))}`);
  }
  if (cookies.length) headers.set('cookie', cookies.join('; '));

  let body: RequestInit['body'];
  if (given.body !== undefined) {
    const contentType = op.requestBody?.contentType ?? 'application/json';
    body = encodeBody(given.body, contentType, where);
    if (!(body instanceof FormData)) headers.set('content-type', contentType);
  } else if (op.requestBody?.required) {
    throw new ArgumentError(`${where}: missing required 'body'`);
  }
  if (!headers.has('accept')) headers.set('accept', 'application/json, */*;q=0.5');
  for (const [name, value] of Object.entries(target.headers ?? {})) headers.set(name, value);

  return new Request(url, { method: op.method.toUpperCase(), headers, body, signal, redirect: 'manual' });
}

function checkUnknownKeys(op: Operation, given: Record<string, unknown>, where: string): void {
  const known = new Set(op.parameters.map((p) => p.name));
  if (op.requestBody) known.add('body');
  for (const key of Object.keys(given)) {
    if (known.has(key)) continue;
    const expected = [...known].join(', ') || 'no arguments';
    throw new ArgumentError(
      key === 'body'
        ? `${where} takes no request body`
        : `${where}: unknown parameter '${key}' (expected: ${expected})`,
    );
  }
}

function pathSegment(op: Operation, name: string, value: unknown, where: string): string {
  if (value === undefined || value === null || value === '') {
    throw new ArgumentError(`${where}: missing required path parameter '${name}'`);
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ArgumentError(`${where}: path parameter '${name}' must be a string or number`);
  }
  const text = String(value);
  // URL parsers collapse '.' and '..' segments, which would climb out of the base path. (A literal
  // '%2e' is safe: encoding turns it into '%252e'.)
  if (/^\.{1,2}$/.test(text)) {
    throw new ArgumentError(`${where}: path parameter '${name}' may not be '.' or '..'`);
  }
  const declared = op.parameters.find((p) => p.in === 'path' && p.name === name);
  // Some specs put a slash-separated value in one parameter on purpose (e.g. GitHub's `{path}` for
  // file contents, marked by `x-multi-segment`); everything else is a single, fully encoded segment.
  if (declared?.multiSegment) {
    return text
      .split('/')
      .map((part) => {
        if (/^\.{1,2}$/.test(part))
          throw new ArgumentError(`${where}: '${name}' may not contain '.' or '..' segments`);
        return encodeURIComponent(part);
      })
      .join('/');
  }
  return encodeURIComponent(text);
}

function scalar(value: unknown, name: string, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new ArgumentError(`${where}: parameter '${name}' must be a string, number or boolean`);
}

function appendQuery(params: URLSearchParams, param: Parameter, value: unknown, where: string): void {
  if (value === undefined || value === null) {
    if (param.required) throw new ArgumentError(`${where}: missing required query parameter '${param.name}'`);
    return;
  }
  const explode = param.explode ?? (param.style ?? 'form') === 'form';
  if (Array.isArray(value)) {
    const items = value.map((v) => scalar(v, param.name, where));
    if (explode) for (const item of items) params.append(param.name, item);
    else
      params.append(
        param.name,
        items.join(param.style === 'pipeDelimited' ? '|' : param.style === 'spaceDelimited' ? ' ' : ','),
      );
    return;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined && v !== null,
    );
    if (param.style === 'deepObject') {
      for (const [k, v] of entries)
        params.append(`${param.name}[${k}]`, scalar(v, `${param.name}.${k}`, where));
    } else if (explode) {
      for (const [k, v] of entries) params.append(k, scalar(v, `${param.name}.${k}`, where));
    } else {
      params.append(param.name, entries.flatMap(([k, v]) => [k, scalar(v, param.name, where)]).join(','));
    }
    return;
  }
  params.append(param.name, scalar(value, param.name, where));
}

function headerValue(value: unknown, name: string, where: string): string {
  const text = Array.isArray(value)
    ? value.map((v) => scalar(v, name, where)).join(',')
    : scalar(value, name, where);
  if (/[\r\n\0]/.test(text))
    throw new ArgumentError(`${where}: header parameter '${name}' may not contain CR, LF or NUL`);
  // Headers carry bytes: anything past Latin-1 would make the request itself throw.
  if (/[^\t\x20-\x7e\x80-\xff]/.test(text))
    throw new ArgumentError(
      `${where}: header parameter '${name}' may only contain printable Latin-1 characters`,
    );
  return text;
}

function encodeBody(body: unknown, contentType: string, where: string): NonNullable<RequestInit['body']> {
  const type = contentType.toLowerCase();
  if (type.includes('json')) return JSON.stringify(body);
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ArgumentError(`${where}: 'body' must be an object of form fields`);
    }
    const form = type === 'multipart/form-data' ? new FormData() : new URLSearchParams();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) form.append(key, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    return form;
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}
