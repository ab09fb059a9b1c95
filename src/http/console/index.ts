/** GET /console: the browser console, its script and stylesheet compiled into the core (offline, no CDN). */
import { type Context, Hono } from 'hono';
import { CONSOLE_CSS, CONSOLE_JS, CONSOLE_VERSION } from './client-bundle.ts';
import { consoleShell } from './shell.ts';

export { registerInfoRoute } from './info-route.ts';

export interface ConsoleOptions {
  /** Tokens are configured: the page asks for one. */
  auth: boolean;
  version: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * The page only talks to its own origin; a token pasted into it cannot be sent elsewhere by an injected
 * script or style, and nothing else (fonts, CDNs) is loaded.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ASSETS = {
  'app.js': { body: CONSOLE_JS, type: 'text/javascript; charset=utf-8' },
  'app.css': { body: CONSOLE_CSS, type: 'text/css; charset=utf-8' },
} as const;

export function consoleRoutes(options: ConsoleOptions): Hono {
  const routes = new Hono();

  routes.get('/console/:file{app\\.js|app\\.css}', (c) => {
    const asset = ASSETS[c.req.param('file') as keyof typeof ASSETS];
    const etag = `"${CONSOLE_VERSION}"`;
    c.header('ETag', etag);
    // An old or missing `?v=` may name other content: revalidate instead of keeping it.
    c.header('Cache-Control', c.req.query('v') === CONSOLE_VERSION ? IMMUTABLE : 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', asset.type);
    return c.body(asset.body, 200);
  });

  // Both spellings answer; relative URLs in the page differ by the trailing slash (as /docs).
  const page = (c: Context) => {
    const slash = c.req.path.endsWith('/');
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Security-Policy', CSP);
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(
      consoleShell({
        here: slash ? '' : 'console/',
        root: slash ? '../' : '',
        auth: options.auth,
        version: options.version,
      }),
    );
  };
  routes.get('/console', page);
  routes.get('/console/', page);
  return routes;
}

/** Routes anyone may read when tokens are configured: the page and its files hold no data. */
export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}
