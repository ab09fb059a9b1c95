/**
 * The bench's latency order: every kind in each round, in an order that changes, so that no kind always
 * follows the same other kind (a rotation kept the cycle: /healthz always came after the same request).
 */
import { describe, expect, it } from 'vitest';
import { type Call, type Client, interleaved } from '../bench/http-client.ts';

/** Answers every request at once and remembers the order they came in. */
function recordingClient(): { client: Client; order: string[] } {
  const order: string[] = [];
  const client: Client = {
    send: async (call: Call) => {
      order.push(call.path);
      return { status: 200, text: '{}' };
    },
    close: () => undefined,
  };
  return { client, order };
}

const kinds = Object.fromEntries(
  ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => [name, (): Call => ({ method: 'GET', path: name })]),
);
const budget = { count: 80, warmup: 0, warmupMs: 0, budgetMs: 60_000 };

describe('bench latency order', () => {
  it('sends every kind once a round and takes a sample of each', async () => {
    const { client, order } = recordingClient();
    const samples = await interleaved(client, kinds, budget);
    expect(Object.keys(samples)).toEqual(Object.keys(kinds));
    for (const name of Object.keys(kinds)) expect(samples[name]).toHaveLength(budget.count);
    for (let round = 0; round < budget.count; round++) {
      expect(new Set(order.slice(round * 7, round * 7 + 7)).size).toBe(7);
    }
  });

  it('puts every kind after several different kinds, and first in several rounds', async () => {
    const { client, order } = recordingClient();
    await interleaved(client, kinds, budget);
    const before = new Map<string, Set<string>>();
    for (let i = 1; i < order.length; i++) {
      const seen = before.get(order[i]) ?? new Set<string>();
      seen.add(order[i - 1]);
      before.set(order[i], seen);
    }
    for (const name of Object.keys(kinds)) expect(before.get(name)?.size).toBeGreaterThanOrEqual(5);
    const firsts = new Set(Array.from({ length: budget.count }, (_, round) => order[round * 7]));
    expect(firsts.size).toBeGreaterThanOrEqual(5);
  });

  it('gives the same order on every run, so runtimes meet the same sequence', async () => {
    const first = recordingClient();
    const second = recordingClient();
    await interleaved(first.client, kinds, budget);
    await interleaved(second.client, kinds, budget);
    expect(second.order).toEqual(first.order);
  });
});
