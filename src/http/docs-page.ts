/** The /docs page: a self-contained API explorer over /openapi.json (no CDN, works offline). */

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#1d232b;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{max-width:980px;margin:0 auto;padding:20px}
details{background:#fff;border:1px solid #dfe3e8;border-radius:8px;margin:10px 0}
summary{cursor:pointer;padding:10px 14px;display:flex;gap:12px;align-items:center}
.m{font:600 12px monospace;padding:3px 8px;border-radius:4px;color:#fff;min-width:52px;text-align:center}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#8e24aa}.patch{background:#ef6c00}.delete{background:#c62828}
.p{font-family:monospace}.s{color:#5b6670}
section{padding:0 14px 14px}pre,textarea{font:13px/1.4 monospace;background:#f0f2f5;border-radius:6px;padding:10px;overflow:auto}
textarea{width:100%;box-sizing:border-box;min-height:110px;border:1px solid #dfe3e8}
button{background:#1565c0;color:#fff;border:0;border-radius:6px;padding:7px 16px;cursor:pointer;font-size:14px}
input{font:13px monospace;padding:5px;border:1px solid #dfe3e8;border-radius:4px}
h3{font-size:14px;margin:14px 0 6px}
`;

const SCRIPT = `
const $ = (tag, attrs = {}, ...kids) => { const el = document.createElement(tag); Object.assign(el, attrs); el.append(...kids); return el; };
const resolve = (doc, schema, depth = 0) => {
  if (!schema || depth > 6) return schema;
  if (schema.$ref) return resolve(doc, schema.$ref.split('/').slice(1).reduce((o, k) => o && o[k], doc), depth + 1);
  if (schema.properties) return { ...schema, properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1)])) };
  if (schema.items) return { ...schema, items: resolve(doc, schema.items, depth + 1) };
  return schema;
};
const example = (s) => s && (s.example ?? (s.properties ? Object.fromEntries(Object.entries(s.properties).filter(([, v]) => v.example !== undefined).map(([k, v]) => [k, v.example])) : {}));
async function main() {
  const doc = await (await fetch('openapi.json')).json();
  document.querySelector('header h1').textContent = doc.info.title + ' ' + doc.info.version;
  document.querySelector('header p').textContent = doc.info.description || '';
  const root = document.querySelector('main');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = [...(item.parameters || []), ...(op.parameters || [])].filter((p) => p.in === 'path' || p.in === 'query');
      const inputs = params.map((p) => $('label', {}, ' ' + p.name + (p.required ? '*' : '') + ' ', $('input', { name: p.name, placeholder: p.in })));
      const schema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
      const body = schema ? $('textarea', { value: JSON.stringify(example(schema), null, 2) }) : null;
      const out = $('pre', { textContent: '' });
      const send = $('button', { textContent: 'Send', onclick: async () => {
        let url = path;
        const query = new URLSearchParams();
        for (const p of params) { const v = root.ownerDocument.querySelector('[data-op="' + method + path + '"] input[name="' + p.name + '"]').value;
          if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(v)); else if (v) query.set(p.name, v); }
        const init = { method: method.toUpperCase(), headers: { 'content-type': 'application/json' } };
        if (body) init.body = body.value;
        const token = document.querySelector('#token').value;
        if (token) init.headers.authorization = 'Bearer ' + token;
        const res = await fetch(url.slice(1) + (query.size ? '?' + query : ''), init);
        const text = await res.text();
        try { out.textContent = res.status + '\\n' + JSON.stringify(JSON.parse(text), null, 2); } catch { out.textContent = res.status + '\\n' + text; }
      } });
      const responses = Object.entries(op.responses || {}).map(([code, r]) => $('div', {}, $('b', { textContent: code + ' ' }), r.description || ''));
      root.append($('details', { dataset: { op: method + path } },
        $('summary', {}, $('span', { className: 'm ' + method, textContent: method.toUpperCase() }), $('span', { className: 'p', textContent: path }), $('span', { className: 's', textContent: op.summary || '' })),
        $('section', {}, op.description ? $('p', { textContent: op.description }) : '', ...(inputs.length ? [$('h3', { textContent: 'Parameters' }), ...inputs] : []),
          ...(body ? [$('h3', { textContent: 'Body' }), body, $('h3', { textContent: 'Schema' }), $('pre', { textContent: JSON.stringify(schema, null, 2) })] : []),
          $('h3', { textContent: 'Responses' }), ...responses, $('p', {}, send), out)));
    }
  }
}
main().catch((e) => { document.querySelector('main').textContent = 'Could not load openapi.json: ' + e; });
`;

export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>duet API</title><style>${STYLE}</style></head><body><header><h1>duet</h1><p></p></header>
<main><p><label>Bearer token (if the server requires one): <input id="token" type="password" size="30"></label></p></main>
<script type="module">${SCRIPT}</script></body></html>`;
}
