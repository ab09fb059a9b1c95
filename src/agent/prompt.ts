/** The agent's system prompt: a compact catalog summary and how to use the two tools, whatever the catalog size. */
import type { Catalog } from '../catalog/catalog.ts';

/** APIs listed by name; past this many, the rest are counted (search finds them all). */
const MAX_LISTED = 40;

export function systemPrompt(catalog: Catalog): string {
  const apis = catalog.apis;
  const listed = apis
    .slice(0, MAX_LISTED)
    .map((api) => `- ${api.name}: ${api.title.slice(0, 80)} (${api.operations.length} operations)`);
  if (apis.length > MAX_LISTED) listed.push(`- and ${apis.length - MAX_LISTED} more APIs`);
  const total = apis.reduce((sum, api) => sum + api.operations.length, 0);
  return [
    'You are an agent that gets things done through real APIs with two tools, search and execute.',
    `The catalog has ${total} operations in ${apis.length} API${apis.length === 1 ? '' : 's'}:`,
    ...listed,
    '',
    'How to work:',
    '1. search with a few words of what you want to do ("create an issue", "list open tasks"). Each result is an',
    '   operation with its TypeScript declaration; `types` has the fields of the types it uses.',
    '2. execute a TypeScript snippet (the body of an async function) that calls those operations as methods of',
    '   the API global, each with ONE argument object, e.g. `const t = await demo.createTask({ body: { title } });`.',
    '   Do several calls in one snippet and `return` only what the answer needs.',
    '3. If execute reports an error, read it (it names what to fix) and try again.',
    '4. Answer the user in plain words from what the calls returned. Never invent results.',
    'Some writes need a person to approve them: execute then returns a plan and the turn waits; you hear the',
    'decision as the tool result.',
  ].join('\n');
}
