/** The egress allowlist and guest fetch: aliases of listed hosts, wildcards, ports, redirects, headers. */
import { describe, expect, it } from 'vitest';
import { guestFetch } from '../src/execute/guest-fetch.ts';
import { egressAllowed, parseEgressRule } from '../src/policy/egress.ts';

const allowed = (url: string, ...rules: string[]) => egressAllowed(new URL(url), rules.map(parseEgressRule));

describe('parseEgressRule', () => {
  it('normalises hosts the way the URL parser normalises the guest URLs', () => {
    expect(parseEgressRule('API.Example.com')).toEqual({ host: 'api.example.com', port: undefined });
    expect(parseEgressRule('localhost:8080')).toEqual({ host: 'localhost', port: '8080' });
    expect(parseEgressRule('127.1')).toEqual({ host: '127.0.0.1', port: undefined });
    expect(parseEgressRule('[::1]:9000')).toEqual({ host: '[::1]', port: '9000' });
    expect(parseEgressRule('*.example.com')).toEqual({ host: '*.example.com', port: undefined });
  });

  it('refuses what is not a host, and wildcards over IP addresses', () => {
    for (const text of ['http://x.com', 'x.com/path', 'user@x.com', 'x.com:99999', '', 'a b']) {
      expect(() => parseEgressRule(text), text).toThrow(/is not HOST, \*\.DOMAIN or HOST:PORT/);
    }
    expect(() => parseEgressRule('*.0.0.1')).toThrow(/wildcard covers DNS names only/);
  });
});

describe('egressAllowed', () => {
  it('allows the listed host on its port, and on default ports when the rule names none', () => {
    expect(allowed('http://localhost:8080/x', 'localhost:8080')).toBe(true);
    expect(allowed('https://api.example.com/x', 'api.example.com')).toBe(true);
    expect(allowed('http://api.example.com/x', 'api.example.com')).toBe(true);
    expect(allowed('https://API.EXAMPLE.COM/x', 'api.example.com')).toBe(true);
    expect(allowed('https://api.example.com:8443/x', 'api.example.com')).toBe(false);
    expect(allowed('https://api.example.com:22/x', 'api.example.com')).toBe(false);
  });

  it('refuses every alias of localhost and every encoding of 127.0.0.1 not on the list', () => {
    const aliases = [
      'http://127.0.0.1:8080/',
      'http://127.1:8080/',
      'http://0x7f.0.0.1:8080/',
      'http://0x7f000001:8080/',
      'http://2130706433:8080/',
      'http://017700000001:8080/',
      'http://0177.0.0.1:8080/',
      'http://127.0.0.2:8080/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]:8080/',
      'http://[0:0:0:0:0:0:0:1]:8080/',
      'http://0.0.0.0:8080/',
      'http://0:8080/',
      'http://localhost.:8080/',
      'http://foo.localhost:8080/',
      'http://%6c%6f%63%61%6c%68%6f%73%74.:8080/',
    ];
    for (const url of aliases) expect(allowed(url, 'localhost:8080'), url).toBe(false);
  });

  it('treats numeric encodings of a listed address as that address', () => {
    expect(allowed('http://127.1:8080/', '127.0.0.1:8080')).toBe(true);
    expect(allowed('http://2130706433:8080/', '127.0.0.1:8080')).toBe(true);
    expect(allowed('http://[::ffff:127.0.0.1]:8080/', '127.0.0.1:8080')).toBe(false);
  });

  it('matches wildcards on DNS names only, and never the bare domain', () => {
    expect(allowed('https://a.example.com/', '*.example.com')).toBe(true);
    expect(allowed('https://a.b.example.com/', '*.example.com')).toBe(true);
    expect(allowed('https://example.com/', '*.example.com')).toBe(false);
    expect(allowed('https://evilexample.com/', '*.example.com')).toBe(false);
    expect(allowed('https://example.com.evil.net/', '*.example.com')).toBe(false);
  });

  it('refuses other schemes and URLs with credentials', () => {
    for (const url of ['ftp://localhost:8080/', 'file:///etc/passwd', 'ws://localhost:8080/']) {
      expect(allowed(url, 'localhost:8080'), url).toBe(false);
    }
    expect(allowed('http://user:pass@localhost:8080/', 'localhost:8080')).toBe(false);
  });
});

describe('guestFetch', () => {
  const rules = ['a.test', 'b.test'].map(parseEgressRule);
  /** A scripted upstream: each URL answers what the table says; requests are recorded. */
  function upstream(table: Record<string, () => Response>) {
    const seen: { url: string; headers: Record<string, string>; method: string }[] = [];
    const fetch = (async (input: URL, init: RequestInit) => {
      seen.push({
        url: String(input),
        method: String(init.method),
        headers: Object.fromEntries(new Headers(init.headers)),
      });
      return (table[String(input)] ?? (() => new Response('missing', { status: 404 })))();
    }) as typeof globalThis.fetch;
    return { seen, fetch };
  }
  const redirect =
    (to: string, status = 302) =>
    () =>
      new Response(null, { status, headers: { location: to } });

  it('re-checks every redirect hop and stops before an unlisted host is contacted', async () => {
    const { seen, fetch } = upstream({
      'https://a.test/start': redirect('https://b.test/next'),
      'https://b.test/next': redirect('http://127.0.0.1/admin'),
    });
    const error = await guestFetch('https://a.test/start', {}, rules, { fetch, maxBytes: 1000 }).catch(
      (e) => e,
    );
    expect(error).toEqual({
      message: 'egress: a redirect led to http://127.0.0.1, which is not on the fetch allowlist',
      fatal: 'egress',
    });
    expect(seen.map((s) => s.url)).toEqual(['https://a.test/start', 'https://b.test/next']);
  });

  it('drops Authorization and Cookie when a redirect leaves the origin', async () => {
    const { seen, fetch } = upstream({
      'https://a.test/start': redirect('/same'),
      'https://a.test/same': redirect('https://b.test/other', 307),
      'https://b.test/other': () => new Response('done'),
    });
    const result = await guestFetch(
      'https://a.test/start',
      { headers: { Authorization: 'Bearer guest', Cookie: 'c=1', 'X-Keep': 'yes' } },
      rules,
      { fetch, maxBytes: 1000 },
    );
    expect(result).toMatchObject({ url: 'https://b.test/other', status: 200, body: 'done' });
    expect(seen.map((s) => [s.url, s.headers.authorization, s.headers.cookie, s.headers['x-keep']])).toEqual([
      ['https://a.test/start', 'Bearer guest', 'c=1', 'yes'],
      ['https://a.test/same', 'Bearer guest', 'c=1', 'yes'],
      ['https://b.test/other', undefined, undefined, 'yes'],
    ]);
  });

  it('refuses transport headers and CR/LF, and bounds redirects and response size', async () => {
    const { fetch } = upstream({
      'https://a.test/loop': redirect('https://a.test/loop'),
      'https://a.test/big': () => new Response('x'.repeat(2000)),
    });
    const attempt = (url: string, init = {}) =>
      guestFetch(url, init, rules, { fetch, maxBytes: 1000 }).catch((e) => e.message);
    expect(await attempt('https://a.test/', { headers: { Host: 'internal' } })).toBe(
      "fetch: header 'Host' is set by the host, not the snippet",
    );
    expect(await attempt('https://a.test/', { headers: { 'Proxy-Authorization': 'x' } })).toMatch(
      /set by the host/,
    );
    expect(await attempt('https://a.test/', { headers: { 'X-A': 'a\r\nX-B: b' } })).toMatch(/CR, LF or NUL/);
    expect(await attempt('https://a.test/loop')).toBe('fetch: more than 5 redirects');
    expect(await attempt('https://a.test/big')).toBe(
      'fetch: https://a.test/big: response exceeds the 1000 byte limit',
    );
  });
});
