/** A real browser for page tests: Debian's Chromium driven by playwright-core, and what a page did in it. */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with nothing of its own on the network (no updates, sync or field trials), so the
 * requests a test sees are the page's. Fails, never skips, when Chromium is missing.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this on CI)`,
    );
  }
  return chromium.launch({
    headless: true,
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** `console.error` messages (including failed loads Chromium reports there) and uncaught exceptions. */
  errors: string[];
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Hosts of requests that went over the network, i.e. not data: or blob: URLs. */
  hosts(): Set<string>;
  close(): Promise<void>;
}

/** A fresh context and page that records errors and requests from the start. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  return {
    page,
    errors,
    requests,
    hosts: () =>
      new Set(
        requests
          .map((url) => new URL(url))
          .filter((url) => url.protocol !== 'data:' && url.protocol !== 'blob:')
          .map((url) => url.host),
      ),
    close: () => context.close(),
  };
}
