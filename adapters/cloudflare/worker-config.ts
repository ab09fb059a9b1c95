/** The Worker's configuration from its `DUET_CONFIG` binding: specs as text or URLs, upstreams, egress, limits. */
import { z } from 'zod';
import { type Api, fetchText, loadSpec } from '../../src/catalog/index.ts';
import { describeIssues } from '../../src/http/errors.ts';
import { parseEgressRule } from '../../src/policy/egress.ts';
import { validatePolicy } from '../../src/policy/load.ts';
import type { PolicyInput } from '../../src/policy/schema.ts';
import { defaultLimits, type SandboxLimits } from '../../src/sandbox/types.ts';

const SpecSource = z.union([
  z.strictObject({ name: z.string().min(1), text: z.string().min(1) }),
  z.strictObject({ name: z.string().min(1).optional(), url: z.url({ protocol: /^https?$/ }) }),
]);

const Upstream = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const WorkerConfig = z.strictObject({
  /** There is no filesystem on workerd: a spec is its text (with a name) or a URL fetched at start-up. */
  specs: z.array(SpecSource).optional(),
  upstreams: z.record(z.string(), Upstream).optional(),
  allowFetch: z.array(z.string()).optional(),
  /** Serve the bundled demo API too (default: only when there are no specs). */
  demo: z.boolean().optional(),
  /** Any of the sandbox limits (`timeoutMs`, `memoryBytes`, `maxCalls`, ...), in ms, bytes or counts. */
  limits: z.record(z.string(), z.number().int().positive()).optional(),
  maxBodyBytes: z.number().int().positive().optional(),
  /** The policy document (tenants and tokens, API rules, rate limits), as in a `--policy` file. */
  policy: z.record(z.string(), z.unknown()).optional(),
  /**
   * Where snippets run: `loader`, a fresh V8 isolate per run through the Worker's `LOADER` binding (the
   * default when the binding exists), or `quickjs`, QuickJS in WASM in the request's own isolate.
   */
  sandbox: z.enum(['loader', 'quickjs']).optional(),
  /**
   * The agent's model (POST /v1/sessions/{id}/messages): an OpenAI-compatible or Anthropic endpoint (`url`,
   * `model`, `provider`, `key`), or Workers AI through the Worker's `AI` binding (`provider: 'workers-ai'`,
   * `model: '@cf/...'`, no url).
   */
  model: z
    .strictObject({
      provider: z.enum(['openai', 'anthropic', 'workers-ai']).optional(),
      url: z.url({ protocol: /^https?$/ }).optional(),
      model: z.string().min(1),
      key: z.string().optional(),
      maxSteps: z.number().int().positive().optional(),
      watchdogMs: z.number().int().positive().optional(),
    })
    .refine((model) => model.provider === 'workers-ai' || model.url !== undefined, {
      message: "give the model's url (or provider: 'workers-ai' to use the AI binding)",
    })
    .optional(),
  /**
   * The type-check in the checker Worker (the `TYPECHECK` binding): how long a check may take, and how long
   * checks are skipped after one failed, before snippets run with the syntax check alone.
   */
  typecheck: z
    .strictObject({
      timeoutMs: z.number().int().positive().optional(),
      retryAfterMs: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

export type DuetWorkerConfig = Omit<z.input<typeof WorkerConfig>, 'limits' | 'policy'> & {
  limits?: Partial<SandboxLimits>;
  policy?: PolicyInput;
};
export type WorkerSpecSource = z.input<typeof SpecSource>;

export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
}

/** `DUET_CONFIG` as a JSON string (a var or a secret) or an object (a JSON var); absent means the demo API. */
export function readWorkerConfig(raw: unknown): DuetWorkerConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new WorkerConfigError(`DUET_CONFIG is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = WorkerConfig.safeParse(value);
  if (!parsed.success) throw new WorkerConfigError(`DUET_CONFIG: ${describeIssues(parsed.error.issues)}`);
  for (const key of Object.keys(parsed.data.limits ?? {})) {
    if (!Object.hasOwn(defaultLimits, key)) {
      const known = Object.keys(defaultLimits).join(', ');
      throw new WorkerConfigError(`DUET_CONFIG.limits: unknown limit '${key}' (known: ${known})`);
    }
  }
  try {
    validatePolicy(parsed.data.policy, 'DUET_CONFIG.policy');
  } catch (error) {
    throw new WorkerConfigError((error as Error).message);
  }
  for (const host of parsed.data.allowFetch ?? []) {
    try {
      parseEgressRule(host);
    } catch (error) {
      throw new WorkerConfigError(`DUET_CONFIG.allowFetch: ${(error as Error).message}`);
    }
  }
  return parsed.data;
}

/** Builds every configured API; a broken spec is a SpecError naming it. */
export function loadWorkerApis(config: DuetWorkerConfig): Promise<Api[]> {
  return Promise.all(
    (config.specs ?? []).map((spec, index) =>
      'text' in spec
        ? loadSpec(`DUET_CONFIG.specs[${index}] (${spec.name})`, async () => spec.text, { name: spec.name })
        : loadSpec(spec.url, fetchText, { name: spec.name }),
    ),
  );
}
