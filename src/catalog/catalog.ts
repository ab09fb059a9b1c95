/** The catalog: several APIs under distinct names, with lookups by API and method name. */

import type { Api, Operation } from './types.ts';

export class Catalog {
  readonly #apis = new Map<string, Api>();
  readonly #byName = new Map<string, Map<string, Operation>>();
  #operations: Operation[] | undefined;

  constructor(apis: Iterable<Api> = []) {
    for (const api of apis) this.add(api);
  }

  /** Adds an API; its name must not be taken by another API in this catalog. */
  add(api: Api): this {
    const existing = this.#apis.get(api.name);
    if (existing !== undefined) {
      throw new Error(
        `API name '${api.name}' is already used by ${existing.source}; give ${api.source} another name (NAME=PATH)`,
      );
    }
    this.#apis.set(api.name, api);
    this.#operations = undefined;
    return this;
  }

  get apis(): Api[] {
    return [...this.#apis.values()];
  }

  /** Every operation of every API, in catalog order. */
  get operations(): Operation[] {
    this.#operations ??= this.apis.flatMap((api) => api.operations);
    return this.#operations;
  }

  get size(): number {
    return this.#apis.size;
  }

  has(apiName: string): boolean {
    return this.#apis.has(apiName);
  }

  get(apiName: string): Api | undefined {
    return this.#apis.get(apiName);
  }

  operation(apiName: string, methodName: string): Operation | undefined {
    const api = this.#apis.get(apiName);
    if (api === undefined) return undefined;
    let byName = this.#byName.get(apiName);
    if (byName === undefined) {
      byName = new Map(api.operations.map((operation) => [operation.name, operation]));
      this.#byName.set(apiName, byName);
    }
    return byName.get(methodName);
  }
}
