/** `duet bench`: the benchmark tables on this machine. */
import { parseArgs } from 'node:util';
import { type Command, HELP_FLAG } from './options.ts';

const help = `Usage: duet bench

Measure spec load, search, type-check, sandbox start, execute latency and actor storage on this machine
and print them as tables beside their baselines (takes a few minutes).
${HELP_FLAG}`;

export const command: Command = {
  help,
  async run(args) {
    // No options yet: a flag meant for something else is refused rather than starting a long run.
    parseArgs({ args, options: {} });
    const { runBench } = await import('../../../bench/run.ts');
    await runBench();
    return 0;
  },
};
