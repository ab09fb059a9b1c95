/** Listing sessions: the memory store gives what the actor-backed stores give (those run the conformance case). */
import { describe, expect, it } from 'vitest';
import { memorySessions } from '../src/execute/state.ts';

describe('memorySessions().list', () => {
  it('lists every tenant’s sessions by tenant, then id, with pages and a tenant filter', async () => {
    const sessions = memorySessions();
    expect(await sessions.list!()).toEqual([]);
    for (const [session, tenant] of [
      ['s2', ''],
      ['s1', ''],
      ['s0', 'acme'],
    ])
      await sessions.withSession(session, async (state) => state.put('x', 1), { tenant });
    const all = [
      { tenant: '', session: 's1' },
      { tenant: '', session: 's2' },
      { tenant: 'acme', session: 's0' },
    ];
    expect(await sessions.list!()).toEqual(all);
    expect(await sessions.list!({ after: all[0], limit: 1 })).toEqual([all[1]]);
    expect(await sessions.list!({ after: all[1] })).toEqual([all[2]]);
    expect(await sessions.list!({ tenant: 'acme' })).toEqual([all[2]]);
  });
});
