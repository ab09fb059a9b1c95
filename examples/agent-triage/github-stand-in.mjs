#!/usr/bin/env node
/**
 * A local stand-in for the part of GitHub's REST API the triage walkthrough uses: list a repository's
 * issues, add labels, comment. Plain Node, no dependencies; state in memory; every request logged.
 *
 *   node examples/agent-triage/github-stand-in.mjs [PORT]     (default 4010)
 *
 * Point duet at it with --base-url github=http://127.0.0.1:4010 (GitHub's real spec, this server).
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4010);
const issues = [
  [
    'App crashes when saving a file with an emoji in its name',
    'Create a file named 🎉.txt and press save: the app crashes.',
  ],
  ['Add a dark theme', 'It would be nice to have a dark theme for night work.'],
  [
    'Crash on startup after the 2.3 update',
    'Since 2.3 the app crashes right after the splash screen on macOS 15.',
  ],
  ['Typo in the settings page', 'The settings page says "Prefrences".'],
  ['Export to PDF keeps the wrong margins', 'Exported PDFs have 2 cm margins whatever the page setup says.'],
].map(([title, body], i) => ({
  number: i + 1,
  title,
  body,
  state: 'open',
  labels: [],
  comments: 0,
  user: { login: 'reporter' },
  html_url: `https://github.com/octo/app/issues/${i + 1}`,
}));

createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    const { pathname } = new URL(req.url, 'http://x');
    console.log(`${req.method} ${pathname}${text ? ` ${text}` : ''}`);
    const send = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(pathname)) return send(200, issues);
    const item = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/(labels|comments)$/.exec(pathname);
    const issue = item && issues.find((i) => i.number === Number(item[1]));
    if (req.method === 'POST' && issue && item[2] === 'labels') {
      for (const name of JSON.parse(text).labels ?? []) issue.labels.push({ name, color: 'd73a4a' });
      return send(200, issue.labels);
    }
    if (req.method === 'POST' && issue && item[2] === 'comments') {
      issue.comments++;
      return send(201, {
        id: Date.now(),
        body: JSON.parse(text).body,
        html_url: `${issue.html_url}#issuecomment`,
      });
    }
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
}).listen(port, '127.0.0.1', function () {
  console.log(`GitHub stand-in on http://127.0.0.1:${this.address().port}`);
});
