/** `duet serve --runtime workerd`: the Worker in real workerd through Miniflare, specs handed over as text. */
import { apiNameFromSource } from '../../../src/catalog/index.ts';
import { listeningLine } from '../../../src/config/listening-line.ts';
import { buildUpstreams, splitNamed, UsageError } from '../../../src/config/options.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { readSource } from '../read-source.ts';
import { siblingAdapter } from '../sibling-adapter.ts';
import { limitFlags, sandboxSettings, type Values } from './flags.ts';
import { llmConfig } from './llm.ts';

export async function serveOnWorkerd(values: Values, port: number, policy: PolicyDocument): Promise<number> {
  if (values.mcp?.length)
    throw new UsageError('--runtime workerd: --mcp sources are not supported on Workers yet');
  const specs = await Promise.all(
    ((values.spec as string[] | undefined) ?? []).map(async (text) => {
      const { name, value } = splitNamed('spec', text, true);
      return { name: name ?? apiNameFromSource(value), text: await readSource(value) };
    }),
  );
  const upstreams = buildUpstreams(values['base-url'], values.header);
  const llm = llmConfig(values);
  const launcher = siblingAdapter('cloudflare/serve-local');
  const { serveWorkerd } = (await withLauncherTools(() => import(launcher.href))) as {
    serveWorkerd: typeof import('../../cloudflare/serve-local.ts').serveWorkerd;
  };
  const server = await withLauncherTools(() =>
    serveWorkerd({
      port,
      host: values.host,
      dataDir: values.data,
      config: {
        specs,
        upstreams,
        allowFetch: values['allow-fetch'] ?? [],
        limits: sandboxSettings(limitFlags(values, policy)).limits,
        policy,
        sandbox: values.sandbox,
        ...(llm && {
          model: {
            url: llm.url,
            model: llm.model,
            provider: llm.provider,
            key: llm.key,
            maxSteps: llm.maxSteps,
            watchdogMs: llm.watchdogMs,
          },
        }),
      },
    }),
  );
  // The catalog lives in the Worker: the line names no APIs.
  console.error(listeningLine(server.url, undefined, 'workerd'));
  return new Promise(() => {});
}

/** What `duet serve --runtime workerd` loads besides duet's own dependencies, to bundle and run the Worker. */
const LAUNCHER_TOOLS = ['esbuild', 'miniflare', 'workerd'];

/**
 * A project that installed duet as a package has none of these (duet's checkout installs them as dev
 * dependencies): say which to install rather than show a module-resolution stack.
 */
export async function withLauncherTools<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const err = error as Error & { code?: string };
    const missing = LAUNCHER_TOOLS.find((name) => err.message?.includes(`'${name}'`));
    if (!['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes(err.code ?? '') || !missing) throw error;
    throw new UsageError(
      `--runtime workerd bundles and runs the Worker with esbuild and miniflare, and ${missing} is not ` +
        'installed here: npm install esbuild miniflare',
    );
  }
}
