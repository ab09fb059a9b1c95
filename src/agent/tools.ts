/** The agent's two tools: exactly the MCP tools' names, descriptions and input schemas, and their outputs as the model reads them. */
import type { Catalog } from '../catalog/catalog.ts';
import { duetTools } from '../http/tools.ts';
import type { ModelTool } from './model/types.ts';

export const SEARCH_TOOL = 'search';
export const EXECUTE_TOOL = 'execute';

export function agentTools(catalog: Catalog): ModelTool[] {
  return duetTools(catalog).map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }));
}

/** What the model reads of one tool result: JSON, cut at a bound so one large answer cannot fill its context. */
const MAX_TOOL_TEXT = 24_000;

export function toolText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } catch {
    text = String(value);
  }
  if (text.length <= MAX_TOOL_TEXT) return text;
  return `${text.slice(0, MAX_TOOL_TEXT)}… [cut: the result has ${text.length} characters; return less from the snippet]`;
}

/** A tool input must be an object; the model's own JSON mistakes come back to it as tool errors. */
export function inputProblem(name: string, input: unknown): string | undefined {
  if (name !== SEARCH_TOOL && name !== EXECUTE_TOOL)
    return `there is no tool '${name}': the tools are search and execute`;
  if (typeof input === 'string') return `the ${name} arguments are not valid JSON: ${input.slice(0, 200)}`;
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return `the ${name} arguments must be a JSON object`;
  const args = input as Record<string, unknown>;
  if (name === EXECUTE_TOOL && (typeof args.code !== 'string' || args.code.trim() === ''))
    return "execute needs 'code': the TypeScript snippet to run";
  if (name === SEARCH_TOOL && typeof args.query !== 'string' && typeof args.code !== 'string')
    return "search needs 'query': what you want to do, in words";
  return undefined;
}
