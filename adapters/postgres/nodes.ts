/** The node registry: each duet node's advertised URL and heartbeat, so others can forward to it. */
import type { PostgresDriver } from './driver.ts';

export interface NodeInfo {
  id: string;
  url?: string;
  /** Heartbeat within the last lease period. */
  live: boolean;
  /** Milliseconds since its last heartbeat, by the database's clock. */
  heartbeatAgeMs: number;
}

export interface NodeRegistry {
  /** Registers (or re-registers) this node at `url`; heartbeats ride on lease renewal from then on. */
  register(url: string): Promise<void>;
  list(): Promise<NodeInfo[]>;
  /** Removes this node's row (graceful shutdown). */
  unregister(): Promise<void>;
}

export function nodeRegistry(driver: PostgresDriver): NodeRegistry {
  const { sql, tables: t, node } = driver;
  let registered = false;
  return {
    async register(url) {
      // Rows of nodes gone for a day are only clutter: leases never point at them for that long.
      await sql.unsafe(`DELETE FROM ${t.nodes} WHERE heartbeat_at < now() - interval '1 day'`);
      await sql.unsafe(
        `INSERT INTO ${t.nodes} (id, url) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET url = excluded.url, heartbeat_at = now()`,
        [node, url],
      );
      if (!registered) {
        registered = true;
        driver.leases?.onRenew(() =>
          sql.unsafe(`UPDATE ${t.nodes} SET heartbeat_at = now() WHERE id = $1`, [node], { prepare: true }),
        );
      }
    },
    async list() {
      const rows = await sql.unsafe(
        `SELECT id, url, (extract(epoch FROM now() - heartbeat_at) * 1000)::float8 AS age FROM ${t.nodes} ORDER BY id`,
      );
      return rows.map((row) => ({
        id: row.id,
        url: row.url ?? undefined,
        heartbeatAgeMs: row.age,
        live: row.age < driver.leaseMs,
      }));
    },
    async unregister() {
      await sql.unsafe(`DELETE FROM ${t.nodes} WHERE id = $1`, [node]);
    },
  };
}
