/** GET /docs in a real browser: Swagger UI served by duet itself renders, runs "Try it out" and stays on localhost. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type WatchedPage, watchedPage } from './support/browser.ts';
import { assertBuilt, type ServerProcess, startServer } from './support/cli.ts';

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const EXECUTE = '#operations-tools-post_v1_execute';

let browser: Browser;
const dirs: string[] = [];

beforeAll(async () => {
  assertBuilt();
  mkdirSync(artifacts, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `duet serve` as a user starts it, with its own data directory (one server per directory). */
async function serve(runtime: string, flags: string[] = []): Promise<ServerProcess> {
  const data = mkdtempSync(join(tmpdir(), `duet-docs-${runtime}-`));
  dirs.push(data);
  return startServer(['--runtime', runtime, '--data', data, ...flags]);
}

/** Opens the explorer and waits until Swagger UI has rendered the operations of /openapi.json. */
async function openDocs(url: string): Promise<WatchedPage> {
  const watched = await watchedPage(browser);
  const response = await watched.page.goto(url);
  expect(response?.status()).toBe(200);
  await watched.page.locator(EXECUTE).waitFor({ timeout: 30_000 });
  return watched;
}

async function listedPaths(page: Page): Promise<string[]> {
  return page.locator('.opblock-summary-path').evaluateAll((els) => els.map((el) => el.textContent ?? ''));
}

/** Opens POST /v1/execute (in "Try it out" mode from the start), sends `code` and returns the response pane's text. */
async function runExecute(page: Page, code: string): Promise<string> {
  const operation = page.locator(EXECUTE);
  await operation.locator('.opblock-summary').click();
  // tryItOutEnabled: the body is editable at once and the toggle offers "Cancel", not "Try it out".
  await expect
    .poll(() => operation.locator('.try-out__btn').first().textContent(), { timeout: 10_000 })
    .toBe('Cancel');
  await operation.locator('textarea.body-param__text').fill(JSON.stringify({ code }));
  await operation.locator('button.execute').click();
  const body = operation.locator('.live-responses-table .response-col_description .highlight-code');
  await body.waitFor({ timeout: 30_000 });
  return (await body.textContent()) ?? '';
}

async function responseStatus(page: Page): Promise<string> {
  return (
    (await page.locator(`${EXECUTE} .live-responses-table .response .response-col_status`).textContent()) ??
    ''
  );
}

describe.each(['node', 'workerd', 'deno', 'bun'])('/docs on duet serve --runtime %s', (runtime) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await serve(runtime);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists the routes, runs POST /v1/execute from "Try it out", and requests nothing but the server', async () => {
    const docs = await openDocs(`${server.url}/docs`);
    try {
      expect(await listedPaths(docs.page)).toEqual(
        expect.arrayContaining(['/healthz', '/v1/search', '/v1/execute', '/v1/sessions/{id}/state']),
      );
      const text = await runExecute(docs.page, 'return 1 + 1');
      expect(text).toContain('"ok": true');
      expect(text).toContain('"result": 2');
      expect(await responseStatus(docs.page)).toMatch(/^200\b/);
      await docs.page.screenshot({
        path: join(artifacts, runtime === 'node' ? 'docs.png' : `docs-${runtime}.png`),
        fullPage: true,
      });
      expect(docs.errors).toEqual([]);
      expect([...docs.hosts()]).toEqual([new URL(server.url).host]);
      // The page, its two swagger-ui-dist files, the document and the run: all from duet.
      const paths = docs.requests.map((url) => new URL(url).pathname);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/docs',
          '/docs/swagger-ui.css',
          '/docs/swagger-ui-bundle.js',
          '/openapi.json',
          '/v1/execute',
        ]),
      );
    } finally {
      await docs.close();
    }
  });

  it('serves the same explorer at /docs/ (trailing slash), and / leads to it', async () => {
    const docs = await openDocs(`${server.url}/docs/`);
    try {
      expect(await listedPaths(docs.page)).toContain('/v1/execute');
      expect(docs.errors).toEqual([]);
      expect([...docs.hosts()]).toEqual([new URL(server.url).host]);
      await docs.page.goto(`${server.url}/`);
      expect(new URL(docs.page.url()).pathname).toBe('/docs');
      await docs.page.locator(EXECUTE).waitFor({ timeout: 30_000 });
    } finally {
      await docs.close();
    }
  });
});

describe('/docs with tokens configured (node)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await serve('node', ['--token', 'alice=docs-secret']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is open to all, and its Authorize button sends the bearer token', async () => {
    const docs = await openDocs(`${server.url}/docs`);
    try {
      expect(await runExecute(docs.page, 'return 1 + 1')).toContain('unauthorized');
      expect(await responseStatus(docs.page)).toMatch(/^401\b/);
      await docs.page.locator('button.authorize').first().click();
      const dialog = docs.page.locator('.dialog-ux');
      await dialog.locator('input[type=text], input[type=password]').first().fill('docs-secret');
      await dialog.locator('button.authorize').click();
      await dialog.locator('button.btn-done').click();
      await docs.page.locator(`${EXECUTE} button.execute`).click();
      await expect.poll(() => responseStatus(docs.page), { timeout: 30_000 }).toMatch(/^200\b/);
      const text = await docs.page
        .locator(`${EXECUTE} .live-responses-table .response-col_description .highlight-code`)
        .textContent();
      expect(text).toContain('"result": 2');
      // The one error is the 401 before authorizing, which Chromium reports as a failed load.
      expect(docs.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
    } finally {
      await docs.close();
    }
  });
});

describe('/docs behind a path prefix (node)', () => {
  let server: ServerProcess;
  let proxy: Server;
  let proxyUrl: string;
  const forwarded: string[] = [];
  beforeAll(async () => {
    server = await serve('node');
    // A reverse proxy that serves duet under /duet/ and strips the prefix, as an ingress would.
    proxy = createServer(async (req, res) => {
      if (!req.url?.startsWith('/duet/')) return void res.writeHead(404).end();
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const path = req.url.slice('/duet'.length);
      forwarded.push(`${req.method} ${path.replace(/\?.*/, '')}`);
      const upstream = await fetch(`${server.url}${path}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      });
      const headers = Object.fromEntries(
        [...upstream.headers].filter(
          ([name]) => !/^(content-length|transfer-encoding|connection|keep-alive)$/.test(name),
        ),
      );
      res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => proxy?.close(done));
    await server?.stop();
  });

  it('loads its files and the document relative to the page, and "Try it out" keeps the prefix', async () => {
    const docs = await openDocs(`${proxyUrl}/duet/docs`);
    try {
      expect(await runExecute(docs.page, 'return 1 + 1')).toContain('"result": 2');
      expect(docs.errors).toEqual([]);
      const outside = docs.requests
        .map((url) => new URL(url))
        .filter((url) => url.protocol === 'http:' && !url.pathname.startsWith('/duet/'));
      expect(outside).toEqual([]);
      expect(forwarded).toEqual(
        expect.arrayContaining(['GET /docs/swagger-ui-bundle.js', 'GET /openapi.json', 'POST /v1/execute']),
      );
    } finally {
      await docs.close();
    }
  });
});
