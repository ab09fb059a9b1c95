/** The catalog's public surface: import documents, name things, hold APIs, declare them for TypeScript. */

export { apiNameFromSource, apiNameProblem, checkApiName } from './api-name.ts';
export { type BuildApiOptions, buildApi } from './build-api.ts';
export { Catalog } from './catalog.ts';
export {
  type ApiDeclarationOptions,
  apiDeclaration,
  operationRefs,
  operationSignature,
} from './declarations.ts';
export { type ApiDefinition, defineApi, defineFunction, type FunctionDefinition } from './define-api.ts';
export {
  type BuiltApi,
  type BuiltApiCache,
  fetchText,
  isHttpUrl,
  type LoadSpecOptions,
  loadSpec,
  type ReadText,
  readTextWith,
} from './load-spec.ts';
export { loadMcpApi, type McpSourceOptions } from './mcp-source.ts';
export { isIdentifier, operationMethodName, toLowerCamel, toPascal } from './naming.ts';
export { parseSpecText } from './parse-spec-text.ts';
export { type ReferencedTypesOptions, referencedTypes } from './referenced-types.ts';
export { reservedGlobals } from './reserved-globals.ts';
export { schemaRef, schemaRefName } from './schema-refs.ts';
export { createTsContext, schemaToTs, type TsContext } from './schema-to-ts.ts';
export { schemaTypeNames } from './type-names.ts';
export * from './types.ts';
