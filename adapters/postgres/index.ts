/** duet on PostgreSQL: the actor storage driver with leases and fencing, and a node for `duet serve --store`. */
export {
  describeUrl,
  POSTGRES_DRIVER,
  POSTGRES_LIMITS,
  type PostgresDriver,
  type PostgresDriverOptions,
  postgresDriver,
} from './driver.ts';
export type { LeaseManager } from './leases.ts';
export { openPostgresNode, type PostgresNode, type PostgresNodeOptions } from './node.ts';
export type { NodeInfo, NodeRegistry } from './nodes.ts';
export { clusterRouter, FORWARDED_HEADER, NODE_HEADER, type RouterOptions } from './router.ts';
export { SCHEMA_VERSION } from './schema.ts';
