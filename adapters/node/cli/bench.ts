/** `duet bench`: the benchmark tables on this machine. */
import type { Command } from './options.ts';

export const bench: Command = {
  name: 'bench',
  summary: 'measure spec load, search and execute latency on this machine',
  help: `Usage: duet bench

Measure spec load, search, type-check, sandbox start and execute latency on this machine and print
them as tables beside their baselines.`,
  async run() {
    const { runBench } = await import('../../../bench/run.ts');
    await runBench();
    return 0;
  },
};
