/** GET /docs: Swagger UI (swagger-ui-dist) over /openapi.json, its files served by duet itself (offline, no CDN). */
import { type Context, Hono } from 'hono';

/** The swagger-ui-dist files the page loads; nothing else of the package is ever read. */
export const DOCS_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
export type DocsFile = (typeof DOCS_FILES)[number];

/**
 * Reads one file of the installed swagger-ui-dist package. The runtime adapters supply it, the way Hono's
 * static-file middleware takes `getContent` from each runtime: each adapter in adapters/<runtime>/docs-assets.ts
 * reads them its own way (bundled modules on Workers, which have no filesystem). So src/ reads no files, and a library user
 * who passes none still gets a /docs page: one that links /openapi.json.
 */
export type DocsAssets = (file: DocsFile) => Promise<Uint8Array | string | undefined>;

interface Asset {
  body: Uint8Array;
  /** A digest of the body: the `?v=` of its URL and its ETag. */
  version: string;
}

const CONTENT_TYPES: Record<DocsFile, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** Asset URLs carry their digest, so a response to the current `?v=` never changes: browsers keep it a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

async function digest(body: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', body as Uint8Array<ArrayBuffer>));
  return Array.from(hash.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function loadAssets(read: DocsAssets | undefined): Promise<Map<DocsFile, Asset> | undefined> {
  if (!read) return undefined;
  const assets = new Map<DocsFile, Asset>();
  try {
    for (const file of DOCS_FILES) {
      const content = await read(file);
      if (content === undefined) return undefined;
      const body = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      assets.set(file, { body, version: await digest(body) });
    }
    return assets;
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'docs: cannot read the swagger-ui-dist files (is the package installed?); /docs links /openapi.json instead',
        error: String(error),
      }),
    );
    return undefined;
  }
}

const HEAD = `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>duet API</title><link rel="icon" href="data:,">`;

/**
 * `here` is where the page's own files are and `root` where /openapi.json is, both relative to the page, so the
 * page works behind a path prefix; /docs and /docs/ differ by one directory level.
 */
function explorerPage(assets: Map<DocsFile, Asset>, here: string, root: string): string {
  const url = (file: DocsFile) => `${here}${file}?v=${assets.get(file)!.version}`;
  // Without `servers` in the document, Swagger UI sends "Try it out" to the origin's root; behind a prefix
  // the interceptor puts the prefix (where openapi.json was found) back in front of the path.
  const init = `
const spec = new URL(${JSON.stringify(`${root}openapi.json`)}, location.href);
const base = new URL('.', spec);
window.ui = SwaggerUIBundle({
  url: spec.href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
  requestInterceptor: (request) => {
    const target = new URL(request.url, location.href);
    if (target.origin === base.origin && !target.pathname.startsWith(base.pathname)) {
      request.url = new URL(target.pathname.slice(1) + target.search, base).href;
    }
    return request;
  },
});`;
  return `<!doctype html>
<html lang="en"><head>${HEAD}
<link rel="stylesheet" href="${url('swagger-ui.css')}">
</head><body><div id="swagger-ui"></div>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script>${init}</script>
</body></html>`;
}

function fallbackPage(root: string): string {
  return `<!doctype html>
<html lang="en"><head>${HEAD}</head><body style="font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto">
<h1>duet API</h1>
<p>The API is described at <a href="${root}openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<p>The interactive explorer is not available on this server: its files come from the <code>swagger-ui-dist</code>
package, handed to <code>createDuet({ docsAssets })</code> by duet's Node, Bun, Deno and Workers entries.</p>
</body></html>`;
}

/** The routes /docs, /docs/ and /docs/<file>; `read` is called at most once per file per app. */
export function docsRoutes(read: DocsAssets | undefined): Hono {
  let loaded: Promise<Map<DocsFile, Asset> | undefined> | undefined;
  const assets = () => (loaded ??= loadAssets(read));
  const docs = new Hono();

  docs.get('/docs/:file{swagger-ui-bundle\\.js|swagger-ui\\.css}', async (c) => {
    const file = c.req.param('file') as DocsFile;
    const asset = (await assets())?.get(file);
    if (!asset) {
      return c.json(
        { ok: false, error: { kind: 'not_found', message: `${file} is not available on this server` } },
        404,
      );
    }
    const etag = `"${asset.version}"`;
    c.header('ETag', etag);
    // An old or missing `?v=` may name other content: revalidate instead of keeping it.
    c.header('Cache-Control', c.req.query('v') === asset.version ? IMMUTABLE : 'no-cache');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', CONTENT_TYPES[file]);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200);
  });

  // Both spellings answer the same page; relative URLs in it differ by the trailing slash.
  const page = async (c: Context) => {
    const slash = c.req.path.endsWith('/');
    const root = slash ? '../' : '';
    const available = await assets();
    // The page names the current asset digests, so it must not outlive them.
    c.header('Cache-Control', 'no-cache');
    return c.html(available ? explorerPage(available, slash ? '' : 'docs/', root) : fallbackPage(root));
  };
  docs.get('/docs', page);
  docs.get('/docs/', page);
  return docs;
}

/** Routes anyone may read when tokens are configured: the page and its files hold no data. */
export function isDocsPath(path: string): boolean {
  return path === '/docs' || path.startsWith('/docs/');
}
