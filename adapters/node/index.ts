/**
 * duet on Node: the HTTP server, the worker-thread sandbox pool, the type-checker on its own thread and spec
 * loading from files or URLs.
 */

export { type NodeActorSessions, openActorSessions } from './actor-sessions.ts';
export { main } from './cli.ts';
export { nodeDocsAssets } from './docs-assets.ts';
export { readSource } from './read-source.ts';
export { createWorkerSandbox } from './sandbox-pool.ts';
export { type NodeServer, type ServeOptions, serveNode } from './serve.ts';
export { createNodeTypeChecker, type NodeTypeChecker } from './typecheck.ts';
