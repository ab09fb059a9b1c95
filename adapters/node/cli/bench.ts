/** `duet bench`: the portability benchmark on this machine (bench/run.ts); its flags are in bench/options.ts. */
import { HELP, parseBenchArgs } from '../../../bench/options.ts';
import { UsageError } from '../../../src/config/options.ts';
import type { Command } from './options.ts';

export const command: Command = {
  help: HELP,
  async run(args) {
    let options: ReturnType<typeof parseBenchArgs>;
    try {
      options = parseBenchArgs(args);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { runBench } = await import('../../../bench/run.ts');
    const { renderMarkdown } = await import('../../../bench/report.ts');
    const { result, files } = await runBench(options);
    console.log(renderMarkdown(result).markdown);
    console.error(`wrote ${files.join(', ')}`);
    return 0;
  },
};
