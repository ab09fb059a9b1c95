/** Token accounting: classic one-tool-per-operation definitions against duet's two tools. */
import type { Catalog } from '../catalog/catalog.ts';
import type { JsonSchema, Operation } from '../catalog/types.ts';
import { duetTools, type ToolDefinition } from './tools.ts';

/** The usual MCP wrapping of an OpenAPI operation: one tool, parameters and body as its input schema. */
export function classicTool(op: Operation, schemas: Record<string, JsonSchema>): ToolDefinition {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const param of op.parameters) {
    properties[param.name] = {
      ...(typeof param.schema === 'object' ? param.schema : {}),
      description: param.description,
    };
    if (param.required) required.push(param.name);
  }
  if (op.requestBody) {
    properties.body = op.requestBody.schema;
    if (op.requestBody.required) required.push('body');
  }
  const description = [op.summary, op.description].filter(Boolean).join('\n\n');
  // Classic servers inline referenced schemas (clients need them); count them once per tool.
  const referenced = referencedSchemas(properties, schemas);
  return {
    name: `${op.api}_${op.name}`,
    description,
    inputSchema: {
      type: 'object',
      properties,
      required,
      ...(Object.keys(referenced).length ? { $defs: referenced } : {}),
    },
  };
}

function referencedSchemas(root: unknown, schemas: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const found: Record<string, JsonSchema> = {};
  const stack = [root];
  while (stack.length) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        const name = child.slice(child.lastIndexOf('/') + 1);
        if (!(name in found) && schemas[name] !== undefined) {
          found[name] = schemas[name];
          stack.push(schemas[name]);
        }
      } else stack.push(child);
    }
  }
  return found;
}

export interface ToolSize {
  tools: number;
  characters: number;
  /** Estimated as characters / 4, the usual rule of thumb for English and JSON. */
  tokens: number;
}

function size(tools: ToolDefinition[]): ToolSize {
  const characters = JSON.stringify(tools).length;
  return { tools: tools.length, characters, tokens: Math.ceil(characters / 4) };
}

export function toolSizes(catalog: Catalog): {
  classic: ToolSize;
  duet: ToolSize;
  perApi: Record<string, ToolSize>;
} {
  const perApi: Record<string, ToolSize> = {};
  const classic: ToolDefinition[] = [];
  for (const api of catalog.apis) {
    const tools = api.operations.map((op) => classicTool(op, api.schemas));
    perApi[api.name] = size(tools);
    classic.push(...tools);
  }
  return { classic: size(classic), duet: size(duetTools(catalog)), perApi };
}
