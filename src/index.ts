/** duet: search + execute over real APIs, with a sandbox and durable sessions, on any runtime. */
export * from './actor/index.ts';
export * from './catalog/index.ts';
export { buildUpstreams, loadApis, splitNamed, UsageError } from './config/options.ts';
export { createDuet, DEMO_API, type Duet, type DuetConfig } from './duet.ts';
export * from './execute/index.ts';
export { type AppOptions, createApp } from './http/app.ts';
export { createQuickJSSandbox } from './sandbox/index.ts';
export type * from './sandbox/types.ts';
export { defaultLimits } from './sandbox/types.ts';
export { createSearchIndex } from './search/index.ts';
export type * from './search/types.ts';
