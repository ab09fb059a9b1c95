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
    const { runBench, renderMarkdown } = await loadBench();
    const { result, files } = await runBench(options);
    console.log(renderMarkdown(result).markdown);
    console.error(`wrote ${files.join(', ')}`);
    return 0;
  },
};

/**
 * The benchmark measures duet against its dev dependencies (the other runtimes, MiniSearch, Orama, the
 * peers' installer): a project that installed duet as a package has none of them.
 */
async function loadBench() {
  try {
    const { runBench } = await import('../../../bench/run.ts');
    const { renderMarkdown } = await import('../../../bench/report.ts');
    return { runBench, renderMarkdown };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new UsageError(
      `duet bench runs from a checkout of duet, with its dev dependencies installed (${(error as Error).message.split('\n')[0]}): ` +
        'clone it, then npm install and npm run bench',
    );
  }
}
