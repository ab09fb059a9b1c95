/** The catalog's data model: APIs and their operations, independent of the source format. */

/** A JSON Schema as found in the source document; `$ref`s to named schemas are kept as `#/components/schemas/NAME`. */
export type JsonSchema = { [key: string]: unknown } | boolean;

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options' | 'trace';

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface Parameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  description?: string;
  schema: JsonSchema;
  /** OpenAPI serialisation style (`form`, `simple`, `deepObject`, ...); defaults by location. */
  style?: string;
  explode?: boolean;
  /** A path parameter whose value may hold several `/`-separated segments (`x-multi-segment`). */
  multiSegment?: boolean;
}

export interface RequestBody {
  required: boolean;
  /** The content type duet will send, e.g. `application/json`. */
  contentType: string;
  schema: JsonSchema;
  description?: string;
}

export interface ResponseShape {
  /** The success status the schema belongs to, e.g. `200` or `2XX` or `default`. */
  status: string;
  contentType?: string;
  schema?: JsonSchema;
  description?: string;
}

export interface Operation {
  /** Catalog name of the API (the sandbox global). */
  api: string;
  /** Method name on the API global: lowerCamelCase of operationId, or derived from method + path. */
  name: string;
  operationId?: string;
  /** Lowercase HTTP method. */
  method: HttpMethod;
  /** Path template as written in the spec, e.g. `/repos/{owner}/{repo}/issues`. */
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  parameters: Parameter[];
  requestBody?: RequestBody;
  response?: ResponseShape;
  /**
   * Set for function-style operations (typed functions, MCP tools): the guest's one argument object is
   * the input itself, validated against this schema, and the API's `invoke` runs it instead of HTTP.
   */
  input?: JsonSchema;
}

export interface Api {
  /** Catalog name: a JS identifier, unique in the catalog. */
  name: string;
  title: string;
  version: string;
  description: string;
  /** Base URL from the document's `servers` (or Swagger host/basePath); overridable with --base-url. */
  baseUrl?: string;
  /** Where the document came from (file path or URL), for error messages. */
  source: string;
  operations: Operation[];
  /** Named schemas that `$ref`s in operations point at, keyed by schema name. */
  schemas: Record<string, JsonSchema>;
  /** Runs a function-style operation (see `Operation.input`) in the host; HTTP APIs have none. */
  invoke?: (operation: string, args: unknown, signal?: AbortSignal) => Promise<unknown>;
}

/** Thrown for any document that cannot become an API; the message names the source and the problem. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}
