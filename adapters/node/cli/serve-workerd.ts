/** `duet serve --runtime workerd`: the Worker in real workerd through Miniflare, specs handed over as text. */
import { apiNameFromSource } from '../../../src/catalog/index.ts';
import { listeningLine } from '../../../src/config/listening-line.ts';
import { buildUpstreams, splitNamed, UsageError } from '../../../src/config/options.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { readSource } from '../read-source.ts';
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
  // adapters/ never import each other statically; the launcher is built beside this file in dist/.
  const launcher = new URL(
    `../../cloudflare/serve-local.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
    import.meta.url,
  );
  const { serveWorkerd } = await import(launcher.href);
  const server = await serveWorkerd({
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
  });
  // The catalog lives in the Worker: the line names no APIs.
  console.error(listeningLine(server.url, undefined, 'workerd'));
  return new Promise(() => {});
}
