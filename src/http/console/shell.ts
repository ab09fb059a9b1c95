/**
 * The console's HTML: a shell the client script fills in. Written with hono/jsx's `jsx()` rather than JSX
 * syntax so this file stays plain .ts: Node's type stripping, `deno publish` (src/**\/*.ts) and every
 * bundler read it with no JSX settings.
 */
import { jsx } from 'hono/jsx';
import { CONSOLE_VERSION } from './client-bundle.ts';

export interface ShellOptions {
  /** Where the console's files are, relative to the page: 'console/' at /console, '' at /console/. */
  here: string;
  /** Where the API is, relative to the page. */
  root: string;
  auth: boolean;
  version: string;
}

export function consoleShell({ here, root, auth, version }: ShellOptions): string {
  const asset = (file: string) => `${here}${file}?v=${CONSOLE_VERSION}`;
  // JSON in a non-executed script element: escaped so no value can close the element.
  const bootstrap = JSON.stringify({ root, auth, version }).replace(/</g, '\\u003c');
  const page = jsx(
    'html',
    { lang: 'en' },
    jsx(
      'head',
      {},
      jsx('meta', { charset: 'utf-8' }),
      jsx('meta', { name: 'viewport', content: 'width=device-width,initial-scale=1' }),
      jsx('meta', { name: 'color-scheme', content: 'light dark' }),
      jsx('title', {}, 'duet console'),
      jsx('link', { rel: 'icon', href: 'data:,' }),
      jsx('link', { rel: 'stylesheet', href: asset('app.css') }),
      jsx('script', { defer: true, src: asset('app.js') }),
    ),
    jsx(
      'body',
      {},
      jsx(
        'div',
        { id: 'app' },
        jsx(
          'noscript',
          {},
          'The duet console needs JavaScript. The API is described at ',
          jsx('a', { href: `${root}docs` }, '/docs'),
          '.',
        ),
      ),
      jsx('script', {
        type: 'application/json',
        id: 'duet-bootstrap',
        dangerouslySetInnerHTML: { __html: bootstrap },
      }),
    ),
  );
  return `<!doctype html>${page.toString()}`;
}
