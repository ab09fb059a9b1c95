#!/usr/bin/env node
// Loads the built CLI: Node 20 cannot run the TypeScript sources directly. `npm install` builds dist/.
import { existsSync } from 'node:fs';

const cli = new URL('../../dist/adapters/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'duet: the build is missing (dist/). Run `npm install` or `npm run build` in the duet checkout.',
  );
  process.exit(1);
}
const { main } = await import(cli.href);
// serve and mcp never return; other commands exit even if a connection (an MCP source) is still open.
process.exit(await main(process.argv.slice(2)));
